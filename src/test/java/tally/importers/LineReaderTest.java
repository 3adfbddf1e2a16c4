package tally.importers;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte line reader behind every file import: exact offsets, any line length, a last line without newline. */
class LineReaderTest {
    record Line(String text, long offset, long next, boolean terminated) {}

    static List<Line> read(String s, long start) throws Exception {
        LineReader r = new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), start);
        List<Line> out = new ArrayList<>();
        while (r.next()) {
            out.add(new Line(new String(r.buffer(), r.lineStart(), r.lineLength(), StandardCharsets.UTF_8), r.lineOffset(),
                    r.nextOffset(), r.terminated()));
        }
        return out;
    }

    @Test
    void givesEachLineWithItsByteOffsetsAndSaysWhetherItWasFinished() throws Exception {
        assertThat(read("ab\r\n\ncd\nef", 100)).containsExactly(
                new Line("ab", 100, 104, true), new Line("", 104, 105, true), new Line("cd", 105, 108, true),
                new Line("ef", 108, 110, false));
    }

    @Test
    void aLineLongerThanTheBufferIsReadWhole() throws Exception {
        String big = "x".repeat(300_000);
        List<Line> lines = read("a\n" + big + "\nb\n", 0);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).text()).hasSize(300_000);
        assertThat(lines.get(2)).isEqualTo(new Line("b", 300_003, 300_005, true));
    }

    @Test
    void findsEachNewlineWhereverItFallsAcrossBufferRefills() throws Exception {
        StringBuilder text = new StringBuilder();
        List<Line> expected = new ArrayList<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        long offset = 0;
        while (offset < 300_000) { // several 64 KB reads, a line cut by each; a newline at each place of an 8-byte step
            String line = "é".repeat(rnd.nextInt(3)) + "x".repeat(rnd.nextInt(20));
            String end = rnd.nextInt(4) == 0 ? "\r\n" : "\n";
            long next = offset + (line + end).getBytes(StandardCharsets.UTF_8).length;
            expected.add(new Line(line, offset, next, true));
            text.append(line).append(end);
            offset = next;
        }
        assertThat(read(text.toString(), 0)).isEqualTo(expected);
    }

    @Test
    void findsAnAsciiNeedleOnlyWithinTheCurrentLine() throws Exception {
        LineReader r = new LineReader(new ByteArrayInputStream("{\"a\":1}\n{\"usage\":{}}\n".getBytes(StandardCharsets.UTF_8)), 0);
        byte[] needle = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
        r.next();
        assertThat(r.contains(needle)).isFalse();
        r.next();
        assertThat(r.contains(needle)).isTrue();
    }

    @Test
    void findsANeedleAtEveryPlaceOfALongLineAndNotItsNearMisses() throws Exception {
        byte[] needle = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
        String[] nearMisses = {"\"usag\"", "usage\"", "\"usage", "\"usagg\"", "gggg", "\"Usage\""};
        StringBuilder text = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (int at = 0; at < 40; at++) {
            for (String word : new String[] {"\"usage\"", nearMisses[at % nearMisses.length]}) {
                String line = "g".repeat(at % 3) + "x".repeat(at) + word + "y".repeat(40 - at);
                lines.add(line);
                lines.add(line.substring(0, at) + word); // the needle ending the line
                lines.add(word + line.substring(at)); // and starting it
            }
        }
        for (String line : lines) text.append(line).append('\n');
        LineReader r = new LineReader(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
        for (String line : lines) {
            r.next();
            assertThat(r.contains(needle)).as(line).isEqualTo(line.contains("\"usage\""));
        }
    }

    @Test
    void findsANeedleWhereverItIsAndOnlyWhereItIs() throws Exception {
        byte[] needle = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        String[] parts = {"\"", "usage", "\"usag", "sage\"", "u", "e\"", "x", "\"usage\""};
        StringBuilder text = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            StringBuilder line = new StringBuilder();
            for (int k = rnd.nextInt(12); k > 0; k--) line.append(parts[rnd.nextInt(parts.length - (i % 3 == 0 ? 0 : 1))]);
            lines.add(line.toString());
            text.append(line).append('\n');
        }
        LineReader r = new LineReader(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
        for (String line : lines) {
            r.next();
            assertThat(r.contains(needle)).as(line).isEqualTo(line.contains("\"usage\""));
        }
    }
}
