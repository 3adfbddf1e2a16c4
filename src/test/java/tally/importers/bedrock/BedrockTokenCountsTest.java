package tally.importers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.bedrock.BedrockImportTest.BOB;
import static tally.importers.bedrock.BedrockImportTest.DAY;
import static tally.importers.bedrock.BedrockImportTest.record;

/**
 * The token counts of an invocation log record (formats §5.2): input and output are required, the
 * cache counts are written only for models that cache. A count missing where it is required, or
 * written as null, refuses the record with file and line; it is never stored as 0.
 */
class BedrockTokenCountsTest {
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";

    @TempDir Path dir;

    private static ObjectNode rec(String id) {
        return record(id, DAY + "T10:00:00Z", BOB, "us-east-1", MODEL);
    }

    private static ObjectNode input(ObjectNode r) {
        return (ObjectNode) r.get("input");
    }

    private static ObjectNode output(ObjectNode r) {
        return (ObjectNode) r.get("output");
    }

    private String importLines(Tally tally, JsonNode... records) throws Exception {
        Path f = dir.resolve("logs.jsonl");
        Files.writeString(f, Arrays.stream(records).map(r -> r + "\n").collect(Collectors.joining()));
        return tally.run("import", "bedrock", f.toString()).imported().out();
    }

    private static JsonNode total(Tally tally) {
        return tally.run("report", "--by", "user", "--from", DAY, "--to", DAY, "--format", "json").json().get("total");
    }

    @Test
    void aRecordWithoutItsInputOrOutputCountIsACountedSkipNamingTheMissingFields() throws Exception {
        ObjectNode neither = rec("r-neither");
        input(neither).remove("inputTokenCount");
        output(neither).remove("outputTokenCount");
        ObjectNode noOutput = rec("r-no-output");
        output(noOutput).remove("outputTokenCount");
        ObjectNode noInput = rec("r-no-input");
        input(noInput).remove("inputTokenCount");

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = importLines(tally, rec("r-ok"), neither, noOutput, noInput);

        String at = dir.resolve("logs.jsonl").toAbsolutePath().normalize().toString();
        assertThat(out).containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +3\n")
                .contains(at + ":2: record without input.inputTokenCount and output.outputTokenCount")
                .contains(at + ":3: record without output.outputTokenCount")
                .contains(at + ":4: record without input.inputTokenCount");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
    }

    @Test
    void aCountWrittenAsNullIsACountedSkipNotAZero() throws Exception {
        ObjectNode nullInput = rec("r-null-input");
        input(nullInput).putNull("inputTokenCount");
        ObjectNode nullOutput = rec("r-null-output");
        output(nullOutput).putNull("outputTokenCount");
        ObjectNode nullCacheRead = rec("r-null-cache-read");
        input(nullCacheRead).putNull("cacheReadInputTokenCount");
        ObjectNode nullSplit = rec("r-null-split");
        ((ObjectNode) nullSplit.at("/output/outputBodyJson/0/message/usage/cache_creation")).putNull("ephemeral_5m_input_tokens");

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = importLines(tally, nullInput, nullOutput, nullCacheRead, nullSplit);

        String at = dir.resolve("logs.jsonl").toAbsolutePath().normalize().toString();
        assertThat(out).containsPattern("records added: +0\n").containsPattern("malformed lines skipped: +4\n")
                .contains(at + ":1: input.inputTokenCount is null")
                .contains(at + ":2: output.outputTokenCount is null")
                .contains(at + ":3: input.cacheReadInputTokenCount is null")
                .contains(at + ":4: cache_creation.ephemeral_5m_input_tokens is null");
    }

    @Test
    void absentCacheCountsAreNoCacheUseAndCountsOnlyInTheResponseBodyAreTaken() throws Exception {
        ObjectNode noCache = rec("r-no-cache"); // a model that does not cache: no cache counts, no split
        input(noCache).remove("cacheReadInputTokenCount");
        input(noCache).remove("cacheWriteInputTokenCount");
        output(noCache).remove("outputBodyJson");
        ObjectNode bodyOnly = rec("r-body-only"); // InvokeModel: the Messages response carries the usage
        input(bodyOnly).remove("inputTokenCount");
        output(bodyOnly).remove("outputTokenCount");
        input(bodyOnly).remove("cacheReadInputTokenCount");
        input(bodyOnly).remove("cacheWriteInputTokenCount");
        output(bodyOnly).putObject("outputBodyJson").putObject("usage").put("input_tokens", 30).put("output_tokens", 7);

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = importLines(tally, noCache, bodyOnly);

        assertThat(out).containsPattern("records added: +2\n").containsPattern("malformed lines skipped: +0\n");
        JsonNode total = total(tally);
        assertThat(total.get("input_tokens").asLong()).isEqualTo(100_030);
        assertThat(total.get("output_tokens").asLong()).isEqualTo(1_007);
        assertThat(total.get("cache_read_tokens").asLong()).isZero();
        assertThat(total.get("cache_write_tokens").asLong()).isZero();
    }

    @Test
    void aStreamsOutputCountFromItsBodyIsTheLastMessageDeltasNotMessageStartsPlaceholder() throws Exception {
        ObjectNode delta = rec("r-delta");
        output(delta).remove("outputTokenCount");
        ((ObjectNode) delta.at("/output/outputBodyJson/0/message/usage")).put("input_tokens", 100_000).put("output_tokens", 1);
        ((ArrayNode) delta.at("/output/outputBodyJson")).addObject().put("type", "message_delta").putObject("usage").put("output_tokens", 640);
        ObjectNode startOnly = rec("r-start-only"); // the stream's end was not logged: its output is not known
        output(startOnly).remove("outputTokenCount");
        ((ObjectNode) startOnly.at("/output/outputBodyJson/0/message/usage")).put("output_tokens", 1);

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = importLines(tally, delta, startOnly);

        String at = dir.resolve("logs.jsonl").toAbsolutePath().normalize().toString();
        assertThat(out).containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +1\n")
                .contains(at + ":2: record without output.outputTokenCount");
        assertThat(total(tally).get("output_tokens").asLong()).isEqualTo(640);
    }

    @Test
    void aFailedCallThatLoggedNoUsageIsKeptAsAFailedRequest() throws Exception {
        ObjectNode throttled = rec("r-throttled").put("errorCode", "ThrottlingException"); // refused before the model ran
        input(throttled).remove("inputTokenCount");
        input(throttled).remove("cacheReadInputTokenCount");
        input(throttled).remove("cacheWriteInputTokenCount");
        output(throttled).removeAll();

        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = importLines(tally, throttled);

        assertThat(out).containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +0\n");
        JsonNode total = total(tally);
        assertThat(total.get("failed_requests").asLong()).isEqualTo(1);
        assertThat(total.get("total_tokens").asLong()).isZero();
    }
}
