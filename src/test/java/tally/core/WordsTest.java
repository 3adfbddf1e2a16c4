package tally.core;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Eight bytes a step: the first flagged byte of a word is always the first byte that matches. */
class WordsTest {
    @Test
    void findsTheFirstMatchingByteOfAWordWhateverFollowsIt() {
        SplittableRandom rnd = new SplittableRandom(11);
        byte[] alphabet = {'"', '#', '!', '\\', ']', '\n', 0x0b, 0x1f, ' ', 0, 1, 'x', (byte) 0x80, (byte) 0xc3, (byte) 0xff};
        byte[] b = new byte[8];
        for (int round = 0; round < 200_000; round++) {
            for (int k = 0; k < 8; k++) b[k] = alphabet[rnd.nextInt(alphabet.length)];
            long w = Words.at(b, 0);
            for (byte wanted : new byte[] {'"', '\\', '\n'}) {
                long m = Words.equalMask(w, wanted);
                int expected = firstWhere(b, x -> x == wanted);
                assertThat(m == 0 ? -1 : Words.first(m)).isEqualTo(expected);
            }
            long below = Words.belowMask(w, 0x20);
            assertThat(below == 0 ? -1 : Words.first(below)).isEqualTo(firstWhere(b, x -> x >= 0 && x < 0x20));
            long high = Words.highMask(w);
            assertThat(high == 0 ? -1 : Words.first(high)).isEqualTo(firstWhere(b, x -> x < 0));
        }
    }

    private interface ByteTest {
        boolean test(byte b);
    }

    private static int firstWhere(byte[] b, ByteTest t) {
        for (int k = 0; k < b.length; k++) if (t.test(b[k])) return k;
        return -1;
    }

    @Test
    void indexOfFindsTheFirstNewlineAtEveryPositionAndAlignment() {
        for (int len = 0; len <= 40; len++) {
            for (int at = -1; at < len; at++) {
                for (int from = 0; from <= Math.min(3, len); from++) {
                    byte[] b = new byte[len + 2];
                    java.util.Arrays.fill(b, (byte) 0x8a); // bytes that differ from a newline by the high bit only
                    if (at >= 0) b[at] = '\n';
                    if (at >= 0 && at + 1 < len) b[at + 1] = '\n';
                    b[len] = '\n'; // past the end: never found
                    int expected = at >= from ? at : at >= 0 && at + 1 >= from && at + 1 < len ? at + 1 : -1;
                    assertThat(Words.indexOf(b, from, len, (byte) '\n')).as("newline at %d of %d, from %d", at, len, from).isEqualTo(expected);
                }
            }
        }
    }
}
