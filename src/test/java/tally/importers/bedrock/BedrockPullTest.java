package tally.importers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.importers.aws.FakeAws;
import tally.store.TestStores;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.bedrock.BedrockImportTest.ALICE;
import static tally.importers.bedrock.BedrockImportTest.BOB;
import static tally.importers.bedrock.BedrockImportTest.DAY;
import static tally.importers.bedrock.BedrockImportTest.record;

/**
 * {@code import bedrock --cloudwatch} and {@code --s3} with the AWS SDK's own clients against
 * CloudWatch Logs and S3 stand-ins on 127.0.0.1: every page read, and a second pull reads only what
 * is new.
 */
class BedrockPullTest {
    static final String GROUP = "/aws/bedrock/modelinvocations";
    static final String MODEL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    static final String PREFIX = "logs/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/03/02/";

    @TempDir Path dir;
    private final FakeAws aws = fake();

    static FakeAws fake() {
        try {
            return new FakeAws();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void close() {
        aws.close();
    }

    private String[] pull(String... source) {
        String[] base = {"import", "bedrock", "--region", "us-east-1", "--endpoint", aws.endpoint().toString(), "--no-sign-request"};
        String[] all = new String[base.length + source.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(source, 0, all, base.length, source.length);
        return all;
    }

    private void event(String requestId, String time, String arn) {
        aws.events.add(new FakeAws.LogEvent(Instant.parse(time).toEpochMilli(), record(requestId, time, arn, "us-east-1", MODEL).toString()));
    }

    private Map<String, JsonNode> byUser(Tally tally) {
        JsonNode r = tally.run("report", "--by", "user", "--from", DAY, "--to", DAY, "--format", "json").json();
        Map<String, JsonNode> out = new HashMap<>();
        r.get("rows").forEach(row -> out.put(row.get("key").asText(), row));
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void cloudWatchPullReadsEveryPageAndTheNextPullStartsWhereTheLastStopped(TestStores.Kind kind) {
        event("r-1", DAY + "T10:15:00Z", ALICE);
        event("r-2", DAY + "T10:20:00Z", BOB);
        aws.events.add(new FakeAws.LogEvent(Instant.parse(DAY + "T10:30:00Z").toEpochMilli(), "START RequestId: not a record"));
        event("r-3", DAY + "T11:00:00Z", BOB);
        Tally tally = new Tally(kind, dir);

        String first = tally.run(pull("--cloudwatch", GROUP)).imported().out();
        assertThat(first).containsPattern("records added: +3\n")
                .contains("logs:" + GROUP + ":3: log event message is not JSON").contains("unpriced models:          none");
        assertThat(aws.calls("Logs_20140328.FilterLogEvents")).hasSize(2); // two pages of two
        assertThat(byUser(tally).keySet()).containsExactlyInAnyOrder("alice@corp.com", "bob");

        event("r-4", DAY + "T12:00:00Z", ALICE);
        String second = tally.run(pull("--cloudwatch", GROUP)).ok().out();
        // From 15 minutes before the newest event read (late deliveries), so r-3 comes again and counts once.
        long resume = Instant.parse(DAY + "T10:45:00Z").toEpochMilli();
        assertThat(aws.calls.get(aws.calls.size() - 1)).contains("\"startTime\":" + resume);
        assertThat(second).containsPattern("records added: +1\n").containsPattern("duplicates dropped: +1\n");
        assertThat(byUser(tally).get("alice@corp.com").get("requests").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void s3PullReadsEachLogObjectOnceAndSkipsThePermissionCheckAndLargeBodies(TestStores.Kind kind) throws Exception {
        aws.objects.put(PREFIX + "10/20260302T1015Z_a.json.gz", gzip(record("s-1", DAY + "T10:15:00Z", ALICE, "us-east-1", MODEL),
                record("s-2", DAY + "T10:16:00Z", BOB, "us-east-1", MODEL)));
        aws.objects.put(PREFIX + "11/20260302T1100Z_b.json.gz", gzip(record("s-3", DAY + "T11:00:00Z", BOB, "us-east-1", MODEL)));
        aws.objects.put("logs/AWSLogs/123456789012/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check", "ok".getBytes());
        aws.objects.put(PREFIX + "11/data/large-body.json.gz", gzip(record("s-x", DAY + "T11:00:00Z", BOB, "us-east-1", MODEL)));
        Tally tally = new Tally(kind, dir);

        String first = tally.run(pull("--s3", "s3://bedrock-logs/logs/")).ok().out();
        assertThat(first).contains("Bedrock invocation logs from s3://bedrock-logs/logs/: 2 files, 3 lines").containsPattern("records added: +3\n");
        assertThat(aws.calls("GET /bedrock-logs/logs/AWSLogs")).hasSize(2);
        assertThat(byUser(tally).get("bob").get("requests").asLong()).isEqualTo(2);

        aws.objects.put(PREFIX + "12/20260302T1200Z_c.json.gz", gzip(record("s-4", DAY + "T12:00:00Z", ALICE, "us-east-1", MODEL)));
        String second = tally.run(pull("--s3", "s3://bedrock-logs/logs/")).ok().out();
        assertThat(second).contains("2 files unchanged since the last import").containsPattern("records added: +1\n");
        assertThat(aws.calls("GET /bedrock-logs/logs/AWSLogs")).hasSize(3); // only the new object fetched
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theSameInvocationInCloudWatchAndS3CountsOnce(TestStores.Kind kind) throws Exception {
        event("r-1", DAY + "T10:15:00Z", ALICE);
        aws.objects.put(PREFIX + "10/a.json.gz", gzip(record("r-1", DAY + "T10:15:00Z", ALICE, "us-east-1", MODEL)));
        Tally tally = new Tally(kind, dir);
        tally.run(pull("--cloudwatch", GROUP)).ok();
        assertThat(tally.run(pull("--s3", "s3://bedrock-logs/logs")).ok().out()).containsPattern("duplicates dropped: +1\n");
        assertThat(byUser(tally).get("alice@corp.com").get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anUnreachableEndpointOrABadLocationIsAClearErrorNotAStackTrace(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        Tally.Result bad = tally.run(pull("--s3", "bedrock-logs/logs"));
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--s3: expected s3://bucket/prefix").doesNotContain("Exception");
        aws.close();
        Tally.Result down = tally.run(pull("--cloudwatch", GROUP));
        assertThat(down.code()).isNotZero();
        assertThat(down.err()).startsWith("tally: AWS: ").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void applicationInferenceProfilesArePricedAsTheModelAndRegionsTheyRun(TestStores.Kind kind) {
        String copiedFromUs = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/teamalpha";
        String unknown = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/gone";
        aws.profiles.put(copiedFromUs, "{\"inferenceProfileArn\":\"" + copiedFromUs + "\",\"type\":\"APPLICATION\",\"models\":["
                + "{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0\"},"
                + "{\"modelArn\":\"arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0\"},"
                + "{\"modelArn\":\"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0\"}]}");
        for (String[] e : new String[][] {{"p-1", "10:15", copiedFromUs}, {"p-2", "10:16", copiedFromUs}, {"p-3", "10:17", unknown}}) {
            String time = DAY + "T" + e[1] + ":00Z";
            aws.events.add(new FakeAws.LogEvent(Instant.parse(time).toEpochMilli(), record(e[0], time, ALICE, "us-east-1", e[2]).toString()));
        }
        aws.events.add(new FakeAws.LogEvent(Instant.parse(DAY + "T10:18:00Z").toEpochMilli(),
                record("x-1", DAY + "T10:18:00Z", BOB, "us-east-1", "us.anthropic.claude-sonnet-4-5-20250929-v1:0").toString()));
        Tally tally = new Tally(kind, dir);

        String out = tally.run(pull("--cloudwatch", GROUP)).ok().out();
        assertThat(out).containsPattern("records added: +4\n").contains("UNPRICED: 1 records on " + unknown);
        assertThat(aws.calls("GET /inference-profiles/")).hasSize(2); // once per profile, not per record
        // A us. cross-region profile copied into an application profile costs what the us. profile costs:
        // list $0.33375 a request (see BedrockImportTest) plus the 10% regional premium.
        Map<String, JsonNode> users = byUser(tally);
        assertThat(users.get("bob").get("cost_usd").asText()).isEqualTo("0.367125");
        assertThat(users.get("alice@corp.com").get("cost_usd").asText()).isEqualTo("0.73425");
    }

    static byte[] gzip(JsonNode... records) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bytes)) {
            for (JsonNode r : records) o.write((r + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
