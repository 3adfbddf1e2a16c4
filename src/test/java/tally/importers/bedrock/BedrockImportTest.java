package tally.importers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bedrock model invocation logs in each way AWS delivers them, imported as a user would. */
class BedrockImportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DAY = "2026-03-02";
    static final String ALICE = "arn:aws:sts::123456789012:assumed-role/Dev/alice@corp.com";
    static final String BOB = "arn:aws:sts::123456789012:assumed-role/Dev/bob";

    @TempDir Path dir;

    /** A record shaped like formats §5.2: 100K uncached input, 1,000 output, cache read and write. */
    static ObjectNode record(String requestId, String time, String arn, String region, String modelId) {
        ObjectNode r = JSON.createObjectNode();
        r.put("schemaType", "ModelInvocationLog").put("schemaVersion", "1.0").put("timestamp", time)
                .put("accountId", "123456789012").put("region", region).put("requestId", requestId)
                .put("operation", "InvokeModelWithResponseStream").put("modelId", modelId);
        r.putObject("identity").put("arn", arn);
        ObjectNode in = r.putObject("input");
        in.put("inputContentType", "application/json").put("inputTokenCount", 100_000)
                .put("cacheReadInputTokenCount", 40_000).put("cacheWriteInputTokenCount", 1_200);
        in.putObject("inputBodyJson").put("anthropic_version", "bedrock-2023-05-31");
        ObjectNode out = r.putObject("output");
        out.put("outputContentType", "application/json").put("outputTokenCount", 1_000);
        ArrayNode body = out.putArray("outputBodyJson");
        body.addObject().put("type", "message_start").putObject("message").putObject("usage").putObject("cache_creation")
                .put("ephemeral_5m_input_tokens", 200).put("ephemeral_1h_input_tokens", 1_000);
        return r;
    }

    static void gzipLines(Path file, JsonNode... records) throws Exception {
        Files.createDirectories(file.getParent());
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (JsonNode r : records) o.write((r.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** S3 layout: AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/<name>.json.gz */
    Path s3(String region, String name) {
        return dir.resolve("bucket/logs/AWSLogs/123456789012/BedrockModelInvocationLogs/" + region + "/2026/03/02/10/" + name + ".json.gz");
    }

    private Map<String, JsonNode> byKey(Tally tally, String by) {
        JsonNode r = tally.run("report", "--by", by, "--from", DAY, "--to", DAY, "--format", "json").json();
        Map<String, JsonNode> out = new HashMap<>();
        r.get("rows").forEach(row -> out.put(row.get("key").asText(), row));
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void s3GzipLogsAcrossRegionsAndProfilesArePricedWithTheRegionalPremium(TestStores.Kind kind) throws Exception {
        gzipLines(s3("us-east-1", "a"),
                record("r-us", DAY + "T10:15:00Z", ALICE, "us-east-1", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
                record("r-global", DAY + "T10:16:00Z", ALICE, "us-east-1", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"));
        gzipLines(s3("eu-west-1", "b"),
                record("r-eu", DAY + "T10:17:00Z", BOB, "eu-west-1", "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0"));
        Files.writeString(dir.resolve("bucket/logs/AWSLogs/123456789012/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check"), "ok");

        Tally tally = new Tally(kind, dir);
        String out = tally.run("import", "bedrock", dir.resolve("bucket").toString()).ok().out();
        assertThat(out).contains("2 files").containsPattern("records added: +3\n").contains("unpriced models:          none");

        Map<String, JsonNode> users = byKey(tally, "user");
        assertThat(users.keySet()).containsExactlyInAnyOrder("alice@corp.com", "bob");
        // Sonnet 4.5, per request: 100K in, 200 5m writes, 1,000 1h writes, 40K reads, 1K out.
        // Global list price: 0.3 + 0.00075 + 0.006 + 0.012 + 0.015 = 0.33375; a us. profile is 10% more.
        assertThat(users.get("alice@corp.com").get("cost_usd").asText()).isEqualTo("0.700875");
        assertThat(users.get("alice@corp.com").get("cache_write_5m_tokens").asLong()).isEqualTo(400);
        assertThat(users.get("alice@corp.com").get("cache_write_1h_tokens").asLong()).isEqualTo(2_000);
        // Haiku 4.5 through an eu. profile ARN: (0.1 + 0.00025 + 0.002 + 0.004 + 0.005) × 1.1
        assertThat(users.get("bob").get("cost_usd").asText()).isEqualTo("0.122375");
        assertThat(byKey(tally, "model").keySet()).containsExactlyInAnyOrder("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aFoundationModelArnIsAnInRegionCallPricedLikeTheBareId(TestStores.Kind kind) throws Exception {
        gzipLines(s3("us-east-1", "a"),
                record("r-bare", DAY + "T10:15:00Z", ALICE, "us-east-1", "anthropic.claude-sonnet-4-5-20250929-v1:0"),
                record("r-arn", DAY + "T10:16:00Z", BOB, "us-east-1",
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"));

        Tally tally = new Tally(kind, dir);
        tally.run("import", "bedrock", dir.resolve("bucket").toString()).ok();

        Map<String, JsonNode> users = byKey(tally, "user");
        // the list price 0.33375 (above) with the in-region 10%, both ways of naming the model
        assertThat(users.get("alice@corp.com").get("cost_usd").asText()).isEqualTo("0.367125");
        assertThat(users.get("bob").get("cost_usd").asText()).isEqualTo("0.367125");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void cloudWatchExportsUnwrapTheRecordAndTheSameRequestCountsOnce(TestStores.Kind kind) throws Exception {
        ObjectNode a = record("r-1", DAY + "T10:15:00Z", ALICE, "us-east-1", "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
        ObjectNode b = record("r-2", DAY + "T10:20:00Z", BOB, "us-east-1", "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
        gzipLines(s3("us-east-1", "a"), a, b);
        // aws logs filter-log-events > export.json (pretty-printed)
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode events = doc.putArray("events");
        events.addObject().put("logStreamName", "aws/bedrock/modelinvocations").put("timestamp", 1772446500000L)
                .put("message", a.toString()).put("ingestionTime", 1772446501000L);
        ObjectNode c = record("r-3", DAY + "T11:00:00Z", BOB, "us-east-1", "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
        events.addObject().put("timestamp", 1772449200000L).put("message", c.toString());
        Files.writeString(dir.resolve("export.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        // a subscription payload, and an export task's "<timestamp> <json>" lines
        ObjectNode sub = JSON.createObjectNode().put("messageType", "DATA_MESSAGE").put("logGroup", "bedrock");
        sub.putArray("logEvents").addObject().put("id", "1").put("timestamp", 1772446800000L).put("message", b.toString());
        gzipLines(dir.resolve("firehose/part-0001.gz"), sub);
        Files.writeString(dir.resolve("task.log"), "2026-03-02T10:20:00.000Z " + b + "\n");

        Tally tally = new Tally(kind, dir);
        String out = tally.run("import", "bedrock", dir.resolve("bucket").toString(), dir.resolve("export.json").toString(),
                dir.resolve("firehose").toString(), dir.resolve("task.log").toString()).ok().out();
        assertThat(out).contains("4 files").containsPattern("records added: +3\n").containsPattern("duplicates dropped: +3\n")
                .containsPattern("malformed lines skipped: +0\n");
        assertThat(byKey(tally, "user").get("bob").get("requests").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void importingTheSameLogsTwiceAddsNothingAndASessionNameAliasNamesThePerson(TestStores.Kind kind) throws Exception {
        gzipLines(s3("us-east-1", "a"), record("r-1", DAY + "T10:15:00Z", ALICE, "us-east-1", "us.anthropic.claude-opus-4-5-20251101-v1:0"));
        Tally tally = new Tally(kind, dir);
        tally.run("people", "add", "alice", "--team", "platform", "--alias", "alice@corp.com").ok();
        tally.run("import", "bedrock", dir.resolve("bucket").toString()).ok();
        String again = tally.run("import", "bedrock", dir.resolve("bucket").toString()).ok().out();
        assertThat(again).contains("1 file unchanged since the last import").containsPattern("records added: +0\n");
        Files.copy(s3("us-east-1", "a"), s3("us-east-1", "copy")); // the same records under another name
        assertThat(tally.run("import", "bedrock", dir.resolve("bucket").toString()).ok().out())
                .containsPattern("records added: +0\n").containsPattern("duplicates dropped: +1\n");
        Map<String, JsonNode> users = byKey(tally, "user");
        assertThat(users.keySet()).containsExactly("alice");
        assertThat(users.get("alice").get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void badLinesAreCountedWithFileAndLineAndNeverStopTheImport(TestStores.Kind kind) throws Exception {
        Path f = dir.resolve("logs.jsonl");
        ObjectNode noId = record("x", DAY + "T10:00:00Z", BOB, "us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0");
        noId.remove("requestId");
        Files.writeString(f, "{not json\n" + noId + "\n"
                + record("r-ok", DAY + "T10:00:00Z", BOB, "us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0") + "\n"
                + record("r-err", DAY + "T10:01:00Z", BOB, "us-east-1", "anthropic.claude-imaginary-v1:0").put("errorCode", "ThrottlingException") + "\n");
        Tally tally = new Tally(kind, dir);
        String out = tally.run("import", "bedrock", f.toString()).imported().out();
        assertThat(out).containsPattern("malformed lines skipped: +2\n")
                .contains(f.toAbsolutePath().normalize() + ":1: not valid JSON")
                .contains(f.toAbsolutePath().normalize() + ":2: record without requestId")
                .contains("UNPRICED: 1 records on claude-imaginary (1)");
        JsonNode total = tally.run("report", "--by", "user", "--from", DAY, "--to", DAY, "--format", "json").json().get("total");
        assertThat(total.get("requests").asLong()).isEqualTo(2);
        assertThat(total.get("failed_requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void countsAndTimesOutOfTheLedgersBoundsAreCountedSkipsWithFileAndLine(TestStores.Kind kind) throws Exception {
        Path f = dir.resolve("logs.jsonl");
        ObjectNode huge = record("r-huge", DAY + "T10:00:00Z", BOB, "us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0");
        ((ObjectNode) huge.get("output")).put("outputTokenCount", 20_000_000_000L);
        ObjectNode text = record("r-text", DAY + "T10:00:00Z", BOB, "us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0");
        ((ObjectNode) text.get("input")).put("inputTokenCount", "lots");
        String old = record("r-old", "2021-03-02T10:00:00Z", BOB, "us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0").toString();
        ObjectNode split = record("r-split", DAY + "T10:00:00Z", BOB, "us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0");
        ((ObjectNode) split.at("/output/outputBodyJson/0/message/usage/cache_creation")) // 200.7 + 1,000.2: 1,200 once cut
                .put("ephemeral_5m_input_tokens", 200.7).put("ephemeral_1h_input_tokens", 1_000.2);
        Files.writeString(f, record("r-ok", DAY + "T10:00:00Z", BOB, "us-east-1", "anthropic.claude-3-5-haiku-20241022-v1:0")
                + "\n" + huge + "\n" + text + "\n" + old + "\n" + split + "\n");
        Tally tally = new Tally(kind, dir);
        String out = tally.run("import", "bedrock", f.toString()).imported().out();
        String at = f.toAbsolutePath().normalize().toString();
        assertThat(out).containsPattern("malformed lines skipped: +4\n")
                .contains(at + ":2: outputTokenCount=20000000000 out of range [0, 1e10]") // named as in the file
                .contains(at + ":3: inputTokenCount=\"lots\" is not a number")
                .contains(at + ":4: time 2021-03-02T10:00:00Z is before 2023")
                .contains(at + ":5: ephemeral_5m_input_tokens=200.7 is not a whole number");
        JsonNode total = tally.run("report", "--by", "user", "--from", DAY, "--to", DAY, "--format", "json").json().get("total");
        assertThat(total.get("requests").asLong()).isEqualTo(1);
    }
}
