package tally.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** However an exchange ends, what was used is recorded. */
class FailureTest {
    @TempDir Path dir;

    static final String BODY = Http.messageBody("claude-sonnet-4-5-20250929", 100, true);

    @Test
    void a_client_that_disconnects_mid_stream_is_recorded_with_the_usage_so_far_and_the_upstream_is_cancelled() throws IOException {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.upstream.eventDelayMs = 100;
            gw.upstream.deltas = 20;
            HttpResponse<InputStream> resp = Http.open(gw.url() + "/v1/messages", Http.withKey(key), BODY);
            InputStream in = resp.body();
            byte[] first = in.readNBytes(200); // message_start has arrived
            assertThat(new String(first)).startsWith("event: message_start");
            in.close();

            GatewayHarness.Rec r = gw.awaitRecords(1).get(0);
            assertThat(r.status()).isEqualTo(499);
            assertThat(r.tokens().input()).isEqualTo(25);
            assertThat(r.tokens().cacheRead()).isEqualTo(12000);
            assertThat(r.costNanos()).isPositive();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (gw.upstream.streamsOpen.get() > 0 && System.nanoTime() < deadline) GatewayHarness.sleep(20);
            assertThat(gw.upstream.streamsOpen.get()).isZero();
        }
    }

    @Test
    void an_upstream_that_fails_mid_stream_is_recorded_as_502_with_the_usage_so_far_and_the_client_sees_a_broken_stream() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.upstream.mode = FakeAnthropic.Mode.FAIL_MID_STREAM;
            boolean broken;
            try {
                HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", Http.withKey(key), BODY);
                broken = !new String(resp.body()).contains("message_stop");
            } catch (IllegalStateException e) {
                broken = true; // the client saw the connection break
            }
            assertThat(broken).isTrue();
            GatewayHarness.Rec r = gw.awaitRecords(1).get(0);
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 3));
        }
    }

    @Test
    void a_stream_that_ends_cleanly_before_its_final_usage_event_is_recorded_as_a_failure_like_a_cut_one() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.upstream.mode = FakeAnthropic.Mode.END_MID_STREAM;
            HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", Http.withKey(key), BODY);
            assertThat(resp.statusCode()).isEqualTo(200); // the head was relayed before the body ended
            assertThat(new String(resp.body())).doesNotContain("message_stop");
            GatewayHarness.Rec r = gw.awaitRecords(1).get(0);
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 3));
            assertThat(r.costNanos()).isPositive();
        }
    }

    @Test
    void an_upload_that_takes_longer_than_the_upstream_timeout_but_keeps_coming_is_not_cut_off() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c.withUpstreamTimeout(Duration.ofMillis(400)))) {
            String key = gw.key("alice");
            java.io.PipedOutputStream client = new java.io.PipedOutputStream();
            java.io.PipedInputStream sent = new java.io.PipedInputStream(client);
            var answer = Http.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url() + "/v1/files"))
                    .header("x-api-key", key).header("content-type", "multipart/form-data; boundary=b")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> sent)).build(),
                    HttpResponse.BodyHandlers.ofString());
            client.write("--b\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < 12; i++) { // 1.2 s of a slow upload, three timeouts long
                client.write("x".repeat(1_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                client.flush();
                Thread.sleep(100);
            }
            client.write("\r\n--b--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            client.close();
            assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void an_upstream_that_goes_silent_times_out_and_is_recorded_as_504_with_the_usage_so_far() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c.withUpstreamTimeout(Duration.ofMillis(400)))) {
            String key = gw.key("alice");
            gw.upstream.mode = FakeAnthropic.Mode.STALL_MID_STREAM;
            try {
                Http.post(gw.url() + "/v1/messages", Http.withKey(key), BODY);
            } catch (IllegalStateException expected) {
                // the stream is cut
            }
            GatewayHarness.Rec r = gw.awaitRecords(1).get(0);
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 3));
        }
    }

    @Test
    void an_unreachable_upstream_gets_502_api_error_and_is_recorded() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> new GatewayConfig(
                URI.create("http://127.0.0.1:" + closed), c.upstreamKey(), true, null, null, null, null,
                c.upstreamTimeout(), c.refreshEvery(), c.zone()))) {
            String key = gw.key("alice");
            HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", Http.withKey(key), BODY);
            assertThat(resp.statusCode()).isEqualTo(502);
            assertThat(new String(resp.body())).contains("\"type\":\"api_error\"");
            GatewayHarness.Rec r = gw.awaitRecords(1).get(0);
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.tokens()).isEqualTo(TokenCounts.ZERO);

            // a Files API upload, streamed, that the upstream never takes: answered, not left hanging
            java.util.Map<String, String> upload = new java.util.HashMap<>(Http.withKey(key));
            upload.put("content-type", "multipart/form-data; boundary=b");
            HttpResponse<byte[]> file = Http.post(gw.url() + "/v1/files", upload, "--b\r\n\r\n" + "x".repeat(2 << 20) + "\r\n--b--\r\n");
            assertThat(file.statusCode()).isEqualTo(502);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), BODY).statusCode()).as("the connection goes on").isEqualTo(502);
        }
    }

    /** A cloud route whose forwarding fails with a fault of the gateway's own. */
    static final class Faulty implements Wire {
        @Override
        public String provider() {
            return "bedrock";
        }

        @Override
        public String model(io.vertx.ext.web.RoutingContext ctx) {
            return "claude-sonnet-4-5-20250929";
        }

        @Override
        public String sameProvider(String requested, String target) {
            return target;
        }

        @Override
        public void forward(io.vertx.ext.web.RoutingContext ctx, Caller caller, String model, io.vertx.core.buffer.Buffer body,
                            java.util.function.Function<ProxyExchange.Result, io.vertx.core.Future<Void>> onDone) {
            throw new IllegalStateException("a fault of the gateway's own");
        }
    }

    @Test
    void a_fault_after_a_hard_budget_reservation_answers_500_is_recorded_and_gives_the_budgets_turn_back() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c, (vertx, gateway) -> java.util.List.of(
                router -> router.post("/faulty").handler(io.vertx.ext.web.handler.BodyHandler.create(false))
                        .handler(ctx -> gateway.admit(ctx, new Faulty()))))) {
            String key = gw.key("bob");
            gw.budget(BudgetTest.hard("bob-cap", tally.budget.Budget.Scope.PERSON, "bob", 50_000_000L)); // his requests go one at a time
            HttpResponse<byte[]> fault = Http.post(gw.url() + "/faulty", Http.withKey(key), BODY);
            assertThat(fault.statusCode()).isEqualTo(500);
            assertThat(new String(fault.body())).contains("the gateway could not forward this request");
            assertThat(gw.awaitRecords(1).get(0).status()).isEqualTo(500);

            long start = System.nanoTime();
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), BODY).statusCode()).isEqualTo(200);
            // the upstream timeout is 5 s: a turn never given back would hold this one that long, then refuse it
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }
}
