package tally.importers.claudecode;

import org.junit.jupiter.api.Test;
import tally.Fixtures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transcript line reader: its byte scanner takes the lines Claude Code writes, and whatever it
 * reads, it reads exactly as Jackson's parser does (the same record, the same refusal, word for word).
 */
class TranscriptLineParserTest {
    private static final String USAGE_LINE = "{\"parentUuid\":\"p\",\"isSidechain\":false,\"message\":{\"id\":\"msg_1\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-opus-4-8\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":22,"
            + "\"cache_creation_input_tokens\":18519,\"cache_read_input_tokens\":47328,\"output_tokens\":857,"
            + "\"server_tool_use\":{\"web_search_requests\":2,\"web_fetch_requests\":0},\"service_tier\":\"standard\","
            + "\"cache_creation\":{\"ephemeral_1h_input_tokens\":100,\"ephemeral_5m_input_tokens\":18419},"
            + "\"inference_geo\":\"\",\"iterations\":[],\"speed\":\"fast\"},\"stop_details\":null},"
            + "\"requestId\":\"req_1\",\"type\":\"assistant\",\"uuid\":\"a-1\",\"timestamp\":\"2026-10-09T15:08:44.891Z\","
            + "\"cwd\":\"/home/dev/app\",\"sessionId\":\"s-1\",\"version\":\"2.1.197\"}";

    @Test
    void theScannerTakesEveryUsageLineClaudeCodeWrote() throws IOException {
        List<String> lines = fixtureUsageLines();
        assertThat(lines).hasSizeGreaterThan(15);
        for (String line : lines) {
            assertThat(scans(line)).as(line).isTrue();
            assertThat(read(line)).as(line).isEqualTo(readWithJackson(line));
        }
    }

    @Test
    void readsTheUsageFieldsOfALine() {
        Object line = read(USAGE_LINE);
        assertThat(line).isInstanceOf(TranscriptLine.class);
        TranscriptLine l = (TranscriptLine) line;
        assertThat(l.messageId()).isEqualTo("msg_1");
        assertThat(l.requestId()).isEqualTo("req_1");
        assertThat(l.model()).isEqualTo("claude-opus-4-8");
        assertThat(l.tokens().input()).isEqualTo(22);
        assertThat(l.tokens().cacheWrite5m()).isEqualTo(18419);
        assertThat(l.tokens().cacheWrite1h()).isEqualTo(100);
        assertThat(l.tokens().cacheRead()).isEqualTo(47328);
        assertThat(l.tokens().output()).isEqualTo(857);
        assertThat(l.webSearches()).isEqualTo(2);
        assertThat(l.fast()).isTrue();
        assertThat(l.cwd()).isEqualTo("/home/dev/app");
        assertThat(l.time()).hasToString("2026-10-09T15:08:44.891Z");
        assertThat(l).isEqualTo(readWithJackson(USAGE_LINE));
    }

    @Test
    void stepsOverContentItNeverReadsWhateverItHolds() {
        for (String content : new String[] {
                "\"a \\\"quoted\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 word\"", "\"non-ASCII: żółw 🐢\"",
                "[1, -2.5e-3, 0, true, false, null, {\"k\": [[], {}]}]", " { \"deep\" : [ [ [ { } ] ] ] } ",
                "\"" + "x".repeat(10_000) + "\"", "123456789012345678901234567890"}) {
            String line = USAGE_LINE.replace("[{\"type\":\"text\",\"text\":\"hi\"}]", content);
            assertThat(scans(line)).as(content).isTrue();
            assertThat(read(line)).as(content).isEqualTo(readWithJackson(line));
        }
    }

    @Test
    void leavesToJacksonWhatItDoesNotTakeOnAndAnswersAsJacksonDoes() {
        String[] odd = {
                USAGE_LINE.replace("/home/dev/app", "/home/d\\u00e9v/app"),      // an escape in a kept text
                USAGE_LINE.replace("/home/dev/app", "/home/dév/app"),            // non-ASCII in a kept text
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":857.0"),
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":8.5e2"),
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":1.5"),
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":0857"),
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":99999999999999999999"),
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":\"857\""),
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":-5"),
                USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":null"),
                USAGE_LINE.replace("\"cache_read_input_tokens\":47328", "\"cache_read_input_tokens\":null"),
                USAGE_LINE.replace("\"model\":\"claude-opus-4-8\"", "\"model\":null"),
                USAGE_LINE.replace("\"timestamp\":\"2026-10-09T15:08:44.891Z\"", "\"timestamp\":null"),
                USAGE_LINE.replace("\"cwd\":\"/home/dev/app\"", "\"cwd\":null").replace("\"sessionId\":\"s-1\"", "\"sessionId\":null"),
                USAGE_LINE.replace("\"requestId\":\"req_1\"", "\"requestId\":null").replace("\"id\":\"msg_1\"", "\"id\":null"),
                USAGE_LINE.replace("\"speed\":\"fast\"", "\"speed\":null").replace("\"isSidechain\":false", "\"isApiErrorMessage\":null"),
                USAGE_LINE.replace("\"cache_creation_input_tokens\":18519", "\"cache_creation_input_tokens\":null"),
                USAGE_LINE.replace("\"model\":\"claude-opus-4-8\"", "\"model\":\"<synthetic>\""),
                USAGE_LINE.replace("\"timestamp\":\"2026-10-09T15:08:44.891Z\"", "\"timestamp\":\"yesterday\""),
                USAGE_LINE.replace("\"timestamp\":\"2026-10-09T15:08:44.891Z\"", "\"timestamp\":17"),
                USAGE_LINE.replace("\"isSidechain\":false", "\"isSidechain\":true,\"isApiErrorMessage\":true"),
                USAGE_LINE.replace("\"isSidechain\":false", "\"isSidechain\":\"yes\""),
                USAGE_LINE.replace("\"stop_reason\":\"end_turn\"", "\"stop_reason\":{\"x\":1}"),
                USAGE_LINE.replace("\"usage\":{", "\"usage\" : {\"input_tokens\" :\t1 , "),
                USAGE_LINE.replace("\"text\":\"hi\"", "\"text\":\"a\tb\""),                // a raw tab in a string
                USAGE_LINE.replace("\"text\":\"hi\"", "\"text\":\"\\x\""),                 // an invalid escape
                USAGE_LINE.replace("\"stop_sequence\":null", "\"stop_sequence\":nul"),
                USAGE_LINE.replace("\"stop_sequence\":null", "\"stop_sequence\":tru"),
                USAGE_LINE.replace("\"iterations\":[]", "\"iterations\":[1,,2]"),
                USAGE_LINE.replace("\"iterations\":[]", "\"iterations\":[01]"),
                USAGE_LINE.replace("\"iterations\":[]", "\"iterations\":[-]"),
                USAGE_LINE.substring(0, USAGE_LINE.length() / 2),                      // half-written
                USAGE_LINE.substring(0, USAGE_LINE.length() - 1),
                USAGE_LINE + " trailing",
                "[" + USAGE_LINE + "]",
                "{}",
                "{\"message\":{\"usage\":{}}}",
                "",
        };
        for (String line : odd) assertThat(read(line)).as(line).isEqualTo(readWithJackson(line));
    }

    @Test
    void findsEveryQuoteEscapeControlAndNonAsciiByteWhereverItFallsInAWord() {
        // the scanner reads strings eight bytes a step: each odd byte at each place within a step
        String[] odd = {"\\\"", "\\n", "\\u0041", "\t", "\u0001", "é", "\\u0000", "\\x"};
        for (int at = 0; at < 17; at++) {
            for (String o : odd) {
                String text = "y".repeat(at) + o + "z".repeat(20);
                String inContent = USAGE_LINE.replace("\"text\":\"hi\"", "\"text\":\"" + text + "\"");
                String inKept = USAGE_LINE.replace("/home/dev/app", "/h" + text);
                String inName = USAGE_LINE.replace("\"stop_details\"", "\"" + text + "\"");
                for (String line : new String[] {inContent, inKept, inName}) {
                    assertThat(read(line)).as(line).isEqualTo(readWithJackson(line));
                    assertThat(readAtEndOfBuffer(line)).as(line).isEqualTo(readWithJackson(line));
                }
            }
        }
    }

    @Test
    void aNullTextOrCacheCountIsReadAsAbsentAndANullTimestampOrModelIsNamed() {
        TranscriptLine l = (TranscriptLine) read(USAGE_LINE.replace("\"cwd\":\"/home/dev/app\"", "\"cwd\":null")
                .replace("\"sessionId\":\"s-1\"", "\"sessionId\":null").replace("\"speed\":\"fast\"", "\"speed\":null")
                .replace("\"cache_read_input_tokens\":47328", "\"cache_read_input_tokens\":null"));
        assertThat(l.cwd()).isNull();
        assertThat(l.sessionId()).isNull();
        assertThat(l.fast()).isFalse();
        assertThat(l.tokens().cacheRead()).isZero();
        assertThat(read(USAGE_LINE.replace("\"timestamp\":\"2026-10-09T15:08:44.891Z\"", "\"timestamp\":null")))
                .isEqualTo("refused: timestamp is null");
        assertThat(read(USAGE_LINE.replace("\"model\":\"claude-opus-4-8\"", "\"model\":null")))
                .isEqualTo("refused: message.model is null");
    }

    @Test
    void aLineThatIsNotJsonIsRefusedInPlainWordsNamingTheColumn() {
        assertThat(read(USAGE_LINE.replace("\"output_tokens\":857", "\"output_tokens\":NaN")))
                .isEqualTo("refused: not valid JSON at column 325: NaN is not a number");
        assertThat(read(USAGE_LINE.substring(0, 38)))
                .isEqualTo("refused: not valid JSON at column 39: cut off inside an object");
        assertThat(read(USAGE_LINE.substring(0, 30)))
                .isEqualTo("refused: not valid JSON at column 31: cut off inside a field name");
        assertThat(read(USAGE_LINE.replace("\"text\":\"hi\"", "\"text\":x")))
                .isEqualTo("refused: not valid JSON at column 160: unrecognized token 'x': was expecting"
                        + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assertThat(read(USAGE_LINE.replace("\"text\":\"hi\"", "\"text\":\"a\tb\"")))
                .isEqualTo("refused: not valid JSON at column 160: illegal unquoted character (control character 9):"
                        + " has to be escaped using backslash to be included in string value");
    }

    @Test
    void aNulInAKeptTextIsRefusedWhicheverWayTheLineIsRead() {
        String line = USAGE_LINE.replace("/home/dev/app", "/home/d\\u0000v/app");
        assertThat(read(line)).isEqualTo("refused: cwd contains a NUL character (U+0000)");
    }

    @Test
    void anUnpairedSurrogateEscapeInAKeptTextIsRefused() {
        String line = USAGE_LINE.replace("/home/dev/app", "/home/d\\ud800v/app");
        assertThat(read(line)).isEqualTo("refused: cwd contains an unpaired surrogate (U+D800) at character 7");
        String paired = USAGE_LINE.replace("/home/dev/app", "/home/d\\ud83d\\ude00v/app");
        assertThat(read(paired)).isEqualTo(readWithJackson(paired)).asString().doesNotStartWith("refused");
    }

    @Test
    void takesOnlyTheNamesItReadsNotOnesThatBeginOrEndAlike() {
        String[][] renames = {{"sessionId", "sessionIx"}, {"timestamp", "timestamps"}, {"cwd", "cw"}, {"uuid", "uuidv"},
                {"requestId", "requestIdentity"}, {"isSidechain", "isSidechainX"}, {"model", "mode"}, {"id", "i"},
                {"usage", "usag"}, {"input_tokens", "input_tokenz"}, {"cache_read_input_tokens", "cache_read_input_token"},
                {"cache_creation_input_tokens", "cache_creation_input_tokensX"}, {"cache_creation", "cache_creatio"},
                {"ephemeral_5m_input_tokens", "ephemeral_5m_input_tokenZ"}, {"web_search_requests", "web_search_request"},
                {"speed", "speeds"}};
        for (String[] r : renames) {
            String line = USAGE_LINE.replace("\"" + r[0] + "\"", "\"" + r[1] + "\"");
            assertThat(line).isNotEqualTo(USAGE_LINE);
            assertThat(read(line)).as(r[1]).isEqualTo(readWithJackson(line));
            assertThat(readAtEndOfBuffer(line)).as(r[1]).isEqualTo(readWithJackson(line));
        }
    }

    @Test
    void readsALineThatEndsItsBufferExactly() {
        String[] lines = {USAGE_LINE, "{\"message\":{\"usage\":{}},\"cwd\":\"a\"}",
                "{\"timestamp\":\"2026-10-09T15:08:44.891Z\",\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":7}}}",
                USAGE_LINE.substring(0, USAGE_LINE.length() - 3), "{\"cwd\":\"abc"};
        for (String line : lines) assertThat(readAtEndOfBuffer(line)).as(line).isEqualTo(readWithJackson(line));
    }

    /** What the parser answers: a record, a sentinel, or the text of its refusal. */
    private static Object read(String line) {
        byte[] b = ("  junk before " + line + " junk after").getBytes(StandardCharsets.UTF_8);
        int off = "  junk before ".length();
        try {
            return new TranscriptLineParser().parse(b, off, line.getBytes(StandardCharsets.UTF_8).length);
        } catch (TranscriptLineParser.Malformed m) {
            return "refused: " + m.getMessage();
        }
    }

    /** The same with the line's last byte the buffer's last: nothing after it to read eight bytes at a time. */
    private static Object readAtEndOfBuffer(String line) {
        byte[] b = ("  " + line).getBytes(StandardCharsets.UTF_8);
        try {
            return new TranscriptLineParser().parse(b, 2, b.length - 2);
        } catch (TranscriptLineParser.Malformed m) {
            return "refused: " + m.getMessage();
        }
    }

    private static Object readWithJackson(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        TranscriptLineParser.Fields f = new TranscriptLineParser.Fields();
        try {
            TranscriptLineParser.jackson(b, 0, b.length, f);
            return TranscriptLineParser.line(f);
        } catch (TranscriptLineParser.Malformed m) {
            return "refused: " + m.getMessage();
        }
    }

    private static boolean scans(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return new TranscriptLineScanner().scan(b, 0, b.length, new TranscriptLineParser.Fields());
    }

    private static List<String> fixtureUsageLines() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Fixtures.CLAUDE_CODE)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl") && p.toString().contains("transcripts")).toList()) {
                for (String l : Files.readAllLines(f)) if (l.contains("\"usage\"")) out.add(l);
            }
        }
        return out;
    }
}
