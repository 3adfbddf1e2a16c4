package tally.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.metrics.PrometheusExposition;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A successful answer whose usage the gateway cannot read is refused as a count the ledger cannot
 * hold is: not stored (never a free request), a SEVERE line names the request and the reason, and
 * /metrics counts it. The client gets the upstream's bytes untouched. Answers that carry no usage
 * (errors, endpoints that are not metered) are recorded, or not, as before.
 */
class UnreadableUsageTest {
    static final String SONNET = "claude-sonnet-4-5-20250929";

    @TempDir Path dir;

    private final Logger recorderLog = Logger.getLogger(Recorder.class.getName());
    private final List<String> severe = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) {
            if (r.getLevel() == Level.SEVERE) severe.add(r.getMessage());
        }
        @Override public void flush() { }
        @Override public void close() { }
    };

    @BeforeEach
    void listen() {
        recorderLog.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        recorderLog.removeHandler(capture);
    }

    /** What a misbehaving upstream does to its answer, and the reason the record is refused for. */
    record Case(String reason, UnaryOperator<String> garble) {}

    /** The usage object of a message body replaced by {@code value}. */
    private static String usage(String body, String value) {
        return body.replaceFirst("\"usage\":\\{.*\\}\\}$", Matcher.quoteReplacement("\"usage\":" + value + "}"));
    }

    static final List<Case> MESSAGES = List.of(
            new Case("input_tokens=NaN is not a whole number", s -> s.replace("\"input_tokens\":25", "\"input_tokens\":NaN")),
            new Case("output_tokens=Infinity out of range [0, 1e10]", s -> s.replace("\"output_tokens\":7", "\"output_tokens\":Infinity")),
            new Case("input_tokens=Infinity out of range [0, 1e10]", s -> s.replace("\"input_tokens\":25", "\"input_tokens\":1e400")),
            new Case("unreadable: the body is not JSON: Unexpected end-of-input", s -> s.substring(0, s.indexOf("\"output_tokens\""))),
            new Case("unreadable: usage=null is not an object", s -> usage(s, "null")),
            new Case("missing: usage has no input_tokens", s -> usage(s, "{}")),
            new Case("unreadable: usage=[1,2] is not an object", s -> usage(s, "[1,2]")),
            new Case("unreadable: usage=\"lots\" is not an object", s -> usage(s, "\"lots\"")),
            new Case("missing: the response has no usage", s -> s.replaceFirst(",\"usage\":\\{.*\\}\\}$", "}")),
            new Case("unreadable: the body is not JSON: Unexpected character ('<'", s -> "<html>bad gateway</html>"),
            new Case("unreadable: the body is empty", s -> ""));

    static final List<Case> STREAMS = List.of(
            new Case("input_tokens=NaN is not a whole number", s -> s.replace("\"input_tokens\":25", "\"input_tokens\":NaN")),
            new Case("output_tokens=NaN is not a whole number", s -> finalDelta(s) ? s.replace("\"output_tokens\":7", "\"output_tokens\":NaN") : s),
            new Case("output_tokens=Infinity out of range [0, 1e10]",
                    s -> finalDelta(s) ? s.replace("\"output_tokens\":7", "\"output_tokens\":Infinity") : s),
            new Case("unreadable: message_delta event is not JSON: Unexpected end-of-input",
                    s -> finalDelta(s) ? s.replace("}}\n\n", "\n\n") : s),
            new Case("unreadable: usage=null is not an object", s -> finalDelta(s) ? s.replace("{\"output_tokens\":7}", "null") : s),
            new Case("missing: usage has no input_tokens", s -> s.replace("\"input_tokens\":25,", "")),
            new Case("missing: the response has no usage", s -> s.startsWith("event: message_") ? "" : s));

    private static boolean finalDelta(String event) {
        return event.startsWith("event: message_delta") && event.contains("end_turn");
    }

    private static String requestId(HttpResponse<byte[]> r) {
        return r.headers().firstValue("request-id").orElseThrow();
    }

    /** The exposition /metrics serves, over the harness's store and gateway metrics. */
    private static String metrics(GatewayHarness gw) {
        return new PrometheusExposition(gw.store, null, new PrometheusExposition.Sources(null, null, gw.latency, null),
                Clock.systemUTC(), GatewayHarness.ZONE, 50, Duration.ZERO).scrape();
    }

    private void assertRefused(GatewayHarness gw, Case c, HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).as(c.reason()).isEqualTo(200);
        assertThat(r.body()).as("the upstream's bytes, untouched: %s", c.reason()).isEqualTo(gw.upstream.sent.get(requestId(r)));
        assertThat(severe).as(c.reason()).isNotEmpty();
        assertThat(severe.get(severe.size() - 1)).as(c.reason()).startsWith("gateway: not recording gw_" + requestId(r)
                + " (request " + requestId(r) + "): upstream usage " + c.reason());
    }

    @Test
    void a_message_whose_usage_cannot_be_read_is_refused_aloud_and_counted_never_recorded_as_free() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            for (Case c : MESSAGES) {
                gw.upstream.garble = c.garble();
                assertRefused(gw, c, Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 100, false)));
            }
            assertThat(gw.records()).isEmpty();
            assertThat(metrics(gw)).contains("\ntally_gateway_usage_refused_total " + MESSAGES.size() + "\n");
        }
    }

    @Test
    void a_stream_whose_usage_cannot_be_read_is_refused_aloud_and_counted_never_recorded_at_its_provisional_counts() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            for (Case c : STREAMS) {
                gw.upstream.garble = c.garble();
                assertRefused(gw, c, Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 100, true)));
            }
            assertThat(gw.records()).isEmpty();
            assertThat(metrics(gw)).contains("\ntally_gateway_usage_refused_total " + STREAMS.size() + "\n");
        }
    }

    @Test
    void a_body_the_gateway_does_not_read_compressed_or_over_its_cap_is_refused_aloud_and_passed_on_whole() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.upstream.gzip = true;
            assertRefused(gw, new Case("unreadable: the body is gzip-encoded (content-encoding)", s -> s),
                    Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 100, false)));
            gw.upstream.gzip = false;
            String text = "x".repeat(33 << 20);
            gw.upstream.garble = s -> s.replace("\"text\":\"hi\"", "\"text\":\"" + text + "\"");
            HttpResponse<byte[]> big = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 100, false));
            assertThat(big.body().length).isGreaterThan(33 << 20);
            assertRefused(gw, new Case("unreadable: the body is over the 32 MiB the gateway reads", s -> s), big);
            assertThat(gw.records()).isEmpty();
        }
    }

    @Test
    void bedrock_answers_whose_usage_cannot_be_read_are_refused_aloud() {
        try (BedrockGatewayTest.Cloud cloud = new BedrockGatewayTest.Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            String converse = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"say hi\"}]}],\"inferenceConfig\":{\"maxTokens\":500}}";
            record Call(String operation, String body, Case c) {}
            for (Call call : List.of(
                    new Call("invoke", BedrockGatewayTest.SMALL_BODY, new Case("input_tokens=NaN is not a whole number",
                            s -> s.replace("\"input_tokens\":25", "\"input_tokens\":NaN"))),
                    new Call("converse", converse, new Case("input_tokens=NaN is not a whole number",
                            s -> s.replace("\"inputTokens\":25", "\"inputTokens\":NaN"))),
                    new Call("converse", converse, new Case("unreadable: usage=null is not an object",
                            s -> s.replaceFirst("\"usage\":\\{[^}]*\\}", "\"usage\":null"))))) {
                cloud.bedrock.garble = call.c().garble();
                HttpResponse<byte[]> r = Http.send("POST", cloud.base() + "/model/" + BedrockGatewayTest.SONNET + "/" + call.operation(),
                        BedrockGatewayTest.bearer(key), call.body());
                assertThat(r.statusCode()).isEqualTo(200);
                String id = r.headers().firstValue("x-amzn-requestid").orElseThrow();
                assertThat(severe.get(severe.size() - 1)).as(call.operation() + ": " + call.c().reason())
                        .startsWith("gateway: not recording gw_" + id + " (request " + id + "): upstream usage " + call.c().reason());
            }
            byte[] corrupt = BedrockGatewayTest.bytes("say-hi.eventstream.bin");
            corrupt[corrupt.length - 6] ^= 0x5a; // in the last frame's payload: its checksum no longer holds
            cloud.bedrock.stream = corrupt;
            HttpResponse<byte[]> r = Http.send("POST", cloud.base() + BedrockGatewayTest.streamUri(BedrockGatewayTest.SONNET),
                    BedrockGatewayTest.bearer(key), BedrockGatewayTest.SMALL_BODY);
            assertThat(r.body()).isEqualTo(corrupt); // the client's SDK sees the bad frame itself
            assertThat(severe.get(severe.size() - 1)).contains("upstream usage unreadable: event-stream frame: ");
            assertThat(cloud.gw.records()).isEmpty();
        }
    }

    @Test
    void answers_without_usage_are_recorded_as_before_and_a_readable_one_in_full() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 100, false)).statusCode())
                    .isEqualTo(200);
            gw.upstream.errorStatus = 529;
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 100, false)).statusCode())
                    .isEqualTo(529);
            assertThat(Http.post(gw.url() + "/v1/messages/count_tokens", Http.withKey(key), Http.messageBody(SONNET, 100, false))
                    .statusCode()).isEqualTo(200);
            List<GatewayHarness.Rec> recs = gw.awaitRecords(2);
            assertThat(recs).extracting(GatewayHarness.Rec::status).containsExactly(200, 529);
            assertThat(recs.get(0).tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 7));
            assertThat(recs.get(1).tokens()).isEqualTo(TokenCounts.ZERO); // a failed request: no usage, as before
            assertThat(severe).isEmpty();
            assertThat(metrics(gw)).contains("\ntally_gateway_usage_refused_total 0\n")
                    .as("both recorded answers were held for the spool, and say so").contains("\ntally_gateway_spool_wait_seconds_count 2\n");
        }
    }

    @Test
    void a_batch_results_line_whose_usage_cannot_be_read_is_refused_aloud_like_one_out_of_range() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.upstream.garble = s -> s.replace("\"input_tokens\":1000", "\"input_tokens\":NaN").replace("\"input_tokens\":500", "\"input_tokens\":-5");
            HttpResponse<byte[]> r = Http.send("GET", gw.url() + "/v1/messages/batches/msgbatch_01abc/results", Http.withKey(key), null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body())).contains("\"input_tokens\":NaN");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (severe.size() < 2 && System.nanoTime() < deadline) GatewayHarness.sleep(20);
            assertThat(severe).containsExactly(
                    "gateway: not recording gwb_msgbatch_01abc_a-1 (request null): upstream usage input_tokens=NaN is not a whole number",
                    "gateway: not recording gwb_msgbatch_01abc_a-3 (request null): upstream usage input_tokens=-5 out of range [0, 1e10]");
            assertThat(gw.records()).isEmpty();
        }
    }
}
