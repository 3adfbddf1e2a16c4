package tally.importers;

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
}
