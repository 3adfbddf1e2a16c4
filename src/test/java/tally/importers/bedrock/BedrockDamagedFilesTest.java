package tally.importers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.importers.Tally;
import tally.store.TestStores;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.bedrock.BedrockImportTest.ALICE;
import static tally.importers.bedrock.BedrockImportTest.BOB;
import static tally.importers.bedrock.BedrockImportTest.DAY;
import static tally.importers.bedrock.BedrockImportTest.JSON;
import static tally.importers.bedrock.BedrockImportTest.gzipLines;
import static tally.importers.bedrock.BedrockImportTest.record;

/** Log files cut short, corrupt or written unusually: what can be read is, and the rest is named where it broke. */
class BedrockDamagedFilesTest {
    static final String MODEL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";

    @TempDir Path dir;

    private Path s3(String name) {
        return dir.resolve("bucket/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/03/02/10/" + name + ".json.gz");
    }

    private long requests(Tally tally) {
        return tally.run("report", "--by", "user", "--from", DAY, "--to", DAY, "--format", "json").json()
                .get("total").get("requests").asLong();
    }

    /** {@code aws logs filter-log-events} as the CLI prints it: indented, one event per record. */
    private static String filterLogEvents(JsonNode... records) throws Exception {
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode events = doc.putArray("events");
        long ts = 1772446500000L;
        for (JsonNode r : records) {
            events.addObject().put("logStreamName", "aws/bedrock/modelinvocations").put("timestamp", ts += 1000)
                    .put("message", r.toString()).put("ingestionTime", ts + 500);
        }
        doc.putArray("searchedLogStreams");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    }

    @Test
    void aPrettyPrintedExportThatStartsWithAByteOrderMarkIsReadWhole() throws Exception {
        Path f = dir.resolve("export.json");
        String doc = filterLogEvents(record("r-1", DAY + "T10:15:00Z", ALICE, "us-east-1", MODEL),
                record("r-2", DAY + "T10:16:00Z", BOB, "us-east-1", MODEL));
        Files.writeString(f, "\uFEFF" + doc); // as Windows tools save UTF-8

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = tally.run("import", "bedrock", f.toString()).ok().out();

        assertThat(out).containsPattern("records added: +2\n").containsPattern("malformed lines skipped: +0\n");
    }

    @Test
    void aPrettyPrintedExportCutShortKeepsItsWholeEventsAndNamesTheLineWhereItEnds() throws Exception {
        Path f = dir.resolve("export.json");
        String doc = filterLogEvents(record("r-1", DAY + "T10:15:00Z", ALICE, "us-east-1", MODEL),
                record("r-2", DAY + "T10:16:00Z", BOB, "us-east-1", MODEL));
        String cut = doc.substring(0, doc.indexOf("r-2") + 3); // inside the second event's message
        Files.writeString(f, cut);
        long lastLine = cut.chars().filter(c -> c == '\n').count() + 1;

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = tally.run("import", "bedrock", f.toString()).imported().out();

        assertThat(out).containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +1\n")
                .containsPattern(java.util.regex.Pattern.quote(f.toAbsolutePath().normalize() + ":" + lastLine + ": not valid JSON at column ")
                        + "\\d+: cut off inside a string\n");
        assertThat(requests(tally)).isEqualTo(1);
    }

    @Test
    void aCorruptOrCutShortGzipIsACountedSkipNamingTheFileAndTheOtherFilesAreImportedOnEveryRun() throws Exception {
        gzipLines(s3("good"), record("r-good", DAY + "T10:00:00Z", ALICE, "us-east-1", MODEL));
        JsonNode[] many = new JsonNode[200];
        for (int i = 0; i < many.length; i++) many[i] = record("r-cut-" + i, DAY + "T10:15:00Z", BOB, "us-east-1", MODEL);
        gzipLines(s3("cut"), many);
        byte[] whole = Files.readAllBytes(s3("cut"));
        Files.write(s3("cut"), Arrays.copyOf(whole, whole.length / 2)); // a download that stopped halfway
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        garbage.write(new byte[] {0x1f, (byte) 0x8b}); // gzip's magic, then no gzip at all
        garbage.write("this is not deflate data".getBytes(StandardCharsets.UTF_8));
        Files.write(s3("garbage"), garbage.toByteArray());

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String first = tally.run("import", "bedrock", dir.resolve("bucket").toString()).imported().out();

        String cut = s3("cut").toAbsolutePath().normalize().toString();
        String bad = s3("garbage").toAbsolutePath().normalize().toString();
        assertThat(first).contains("3 files,").containsPattern("malformed lines skipped: +2\n")
                .containsPattern(Pattern.quote(cut) + ":\\d+: cut short or corrupt gzip \\(Unexpected end of ZLIB input stream\\)")
                .contains(bad + ":1: cut short or corrupt gzip (Unsupported compression method)");
        long kept = requests(tally) - 1; // the lines of the cut file before the break are imported
        assertThat(kept).isPositive().isLessThan(many.length);

        String again = tally.run("import", "bedrock", dir.resolve("bucket").toString()).imported().out();
        assertThat(again).contains("1 file unchanged since the last import").containsPattern("records added: +0\n")
                .containsPattern("duplicates dropped: +" + kept + "\n").containsPattern("malformed lines skipped: +2\n")
                .contains(cut + ":").contains(bad + ":1:");
    }
}
