package tally.gateway;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vertex AI through the gateway, against a fake Vertex endpoint that wants a Google access token:
 * the token comes from Google's auth library (credentials holding a fixed test token, so no real
 * Google account is needed), and the captured Claude Code Vertex session replays byte for byte.
 */
class VertexGatewayTest {
    static final Path VERTEX = tally.Fixtures.CLAUDE_CODE.resolve("vertex");
    static final String CALL = "/vertex/v1/projects/demo-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:";

    @TempDir Path dir;

    static final class Cloud implements AutoCloseable {
        final GatewayHarness gw;
        final FakeVertex vertex;

        Cloud(TestStores.Kind kind, Path dir) {
            this(kind, dir, true, () -> GoogleCredentials.create(new AccessToken(FakeVertex.TOKEN,
                    Date.from(Instant.now().plus(Duration.ofHours(1))))));
        }

        /** {@code atFake}: --vertex-endpoint is the fake's; else unset, each location's Google host (as in production). */
        Cloud(TestStores.Kind kind, Path dir, boolean atFake, java.util.function.Supplier<GoogleCredentials> google) {
            FakeVertex[] fake = new FakeVertex[1];
            gw = new GatewayHarness(kind, dir, c -> c, (vertx, gateway) -> {
                fake[0] = new FakeVertex(vertx, bytes("say-hi.sse.txt"));
                VertexConfig config = new VertexConfig(atFake ? URI.create(fake[0].url()) : null, google);
                List<Consumer<Router>> parts = new ArrayList<>();
                parts.add(new VertexRoutes(vertx, gateway, config, tally.pricing.PriceCatalog.bundled(), Duration.ofSeconds(5))::mount);
                return parts;
            });
            vertex = fake[0];
        }

        @Override
        public void close() {
            vertex.close();
            gw.close();
        }
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(VERTEX.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> tallyKey(String key) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-api-key", key); // ANTHROPIC_CUSTOM_HEADERS="x-api-key: <Tally key>" with CLAUDE_CODE_SKIP_VERTEX_AUTH=1
        h.put("content-type", "application/json");
        return h;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void claude_codes_captured_vertex_session_reaches_the_client_byte_for_byte_and_is_recorded_with_the_fixtures_totals(
            TestStores.Kind kind) throws IOException {
        List<FixtureReplayTest.Captured> reqs = FixtureReplayTest.read(VERTEX.resolve("requests.trimmed.jsonl"));
        List<byte[]> answers = List.of(bytes("say-hi.sse.txt"), bytes("read-tool.turn1.sse.txt"), bytes("read-tool.turn2.sse.txt"));
        try (Cloud cloud = new Cloud(kind, dir)) {
            String key = cloud.gw.key("alice", s -> s.team("platform"));
            for (int i = 0; i < reqs.size(); i++) {
                FixtureReplayTest.Captured r = reqs.get(i);
                Map<String, String> h = new LinkedHashMap<>(r.headers());
                h.put("x-api-key", key);
                cloud.vertex.stream = answers.get(i);
                // Claude Code's base URL is …/vertex/v1 in Tally's settings; the capture's was …/vertex
                String uri = r.uri().replace("/vertex/projects/", "/vertex/v1/projects/");
                HttpResponse<byte[]> resp = Http.send(r.method(), cloud.gw.url() + uri, h, r.body());
                assertThat(resp.statusCode()).isEqualTo(200);
                assertThat(resp.body()).isEqualTo(answers.get(i));
            }
            assertThat(cloud.vertex.seen).hasSize(3).allSatisfy(s -> {
                assertThat(s.path()).isEqualTo("/v1/projects/demo-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict");
                assertThat(s.headers().get("x-api-key")).isNull();
                assertThat(s.headers().get("anthropic-beta")).contains("claude-code-20250219");
            });
            for (int i = 0; i < 3; i++) assertThat(cloud.vertex.seen.get(i).body()).isEqualTo(reqs.get(i).body());

            List<GatewayHarness.Rec> recs = cloud.gw.awaitRecords(3);
            TokenCounts total = recs.stream().map(GatewayHarness.Rec::tokens).reduce(TokenCounts.ZERO, TokenCounts::plus);
            assertThat(total).isEqualTo(new TokenCounts(25 + 65, 1500 + 1720, 0, 12000 + 25500, 7 + 18));
            // $0.009405 + $0.014565 at list (the README's figures), and us-east5 is a regional endpoint: 1.1x
            assertThat(recs.stream().mapToLong(GatewayHarness.Rec::costNanos).sum()).isEqualTo(26_367_000L);
            assertThat(BedrockGatewayTest.provenance(cloud.gw)).allSatisfy(p -> {
                assertThat(p[0]).isEqualTo("vertex");
                assertThat(p[2]).isEqualTo("claude-sonnet-4-5@20250929");
            });
            assertThat(recs).extracting(GatewayHarness.Rec::requestId).containsExactlyInAnyOrderElementsOf(cloud.vertex.sentRequestIds);
        }
    }

    @Test
    void a_regional_location_costs_the_regional_premium_and_the_global_endpoint_list_price() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            String body = "{\"anthropic_version\":\"vertex-2023-10-16\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            for (String location : new String[] {"us-east5", "global", "eu"}) {
                String call = CALL.replace("/locations/us-east5/", "/locations/" + location + "/").replace("claude-sonnet-4-5@20250929", "claude-opus-4-6");
                assertThat(Http.send("POST", cloud.gw.url() + call + "rawPredict", tallyKey(key), body).statusCode()).isEqualTo(200);
                cloud.gw.awaitRecords(cloud.vertex.seen.size());
            }
            Map<String, Long> costs = new LinkedHashMap<>();
            for (GatewayHarness.Rec r : cloud.gw.awaitRecords(3)) costs.put(r.requestId(), r.costNanos());
            // Opus 4.6, 25 in / 1,500 5m writes / 12,000 reads / 7 out: $0.015675 at list
            assertThat(cloud.vertex.sentRequestIds).extracting(costs::get).containsExactly(17_242_500L, 15_675_000L, 17_242_500L);
        }
    }

    @Test
    void a_mid_stream_error_event_is_a_failure_and_without_a_request_id_from_google_the_gateway_gives_its_own_to_record_and_client() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            cloud.vertex.stream = bytes("stream-error.sse.txt");
            cloud.vertex.requestIds = false;
            HttpResponse<byte[]> resp = Http.send("POST", cloud.gw.url() + CALL + "streamRawPredict", tallyKey(key),
                    "{\"anthropic_version\":\"vertex-2023-10-16\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(resp.body()).isEqualTo(bytes("stream-error.sse.txt"));
            GatewayHarness.Rec rec = cloud.gw.awaitRecords(1).get(0);
            assertThat(rec.status()).isEqualTo(529); // overloaded_error
            assertThat(rec.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 1));
            // Claude Code reports the request-id header's id: its telemetry and transcript of the call dedupe against the record
            assertThat(rec.requestId()).startsWith("req_tally_").isEqualTo(resp.headers().firstValue("request-id").orElseThrow());
        }
    }

    @Test
    void raw_predict_is_metered_from_its_json_and_a_pass_through_anthropic_key_is_refused_rather_than_billed_to_the_server() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            String body = "{\"anthropic_version\":\"vertex-2023-10-16\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(Http.send("POST", cloud.gw.url() + CALL + "rawPredict", tallyKey(key), body).statusCode()).isEqualTo(200);
            assertThat(cloud.gw.awaitRecords(1).get(0).tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 7));

            HttpResponse<byte[]> stranger = Http.send("POST", cloud.gw.url() + CALL + "rawPredict", tallyKey("sk-ant-someone-elses"), body);
            assertThat(stranger.statusCode()).isEqualTo(401);
            assertThat(cloud.vertex.seen).hasSize(1);
        }
    }

    static final String BODY = "{\"anthropic_version\":\"vertex-2023-10-16\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void tallys_own_headers_are_not_forwarded_to_google() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("dave");
            Map<String, String> h = tallyKey(key);
            h.put("X-Tally-Project", "web");
            h.put("X-Claude-Code-Session-Id", "s-dave");
            assertThat(post(cloud.gw.url() + CALL + "rawPredict", h, BODY).statusCode()).isEqualTo(200);
            FakeVertex.Seen seen = cloud.vertex.seen.get(0);
            assertThat(seen.headers().get("x-tally-project")).isNull();
            assertThat(seen.headers().get("x-claude-code-session-id")).isEqualTo("s-dave");
        }
    }

    @Test
    void a_compressed_request_body_is_refused_with_415_before_anything_is_sent() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("carol", s -> s.maxTokens(1000));
            Map<String, String> h = tallyKey(key);
            h.put("content-encoding", "gzip");
            Answer resp = post(cloud.gw.url() + CALL + "rawPredict", h, BODY); // the header alone decides: nothing is read
            assertThat(resp.statusCode()).isEqualTo(415);
            assertThat(resp.body()).contains("'gzip'-encoded (Content-Encoding)");
            assertThat(cloud.vertex.seen).isEmpty();
        }
    }

    record Answer(int statusCode, String body) {}

    static Answer post(String url, Map<String, String> headers, String body) {
        HttpResponse<byte[]> r = Http.send("POST", url, headers, body);
        return new Answer(r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    static String call(String project, String location, String model) {
        return "/vertex/v1/projects/" + project + "/locations/" + location + "/publishers/anthropic/models/" + model + ":rawPredict";
    }

    @Test
    void a_location_that_is_no_google_region_is_refused_before_the_servers_google_token_is_fetched() {
        java.util.concurrent.atomic.AtomicInteger tokenLookups = new java.util.concurrent.atomic.AtomicInteger();
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir, false, () -> {
            tokenLookups.incrementAndGet();
            return GoogleCredentials.create(new AccessToken(FakeVertex.TOKEN, Date.from(Instant.now().plus(Duration.ofHours(1)))));
        })) {
            String key = cloud.gw.key("mallory");
            // without --vertex-endpoint the location becomes the host: https://LOCATION-aiplatform.googleapis.com
            for (String location : List.of("127.0.0.1:9444%23", "attacker.example%3F", "attacker.example%2F", "us-east5.attacker.example",
                    "evil@host", "US-EAST5", "us%00east5", "us-east5%20", "%20")) {
                Answer resp = post(cloud.gw.url() + call("p", location, "claude-sonnet-4-5@20250929"),
                        tallyKey(key), BODY);
                assertThat(resp.statusCode()).as(location).isEqualTo(400);
                assertThat(resp.body()).as(location).contains("invalid_request_error").contains("location '")
                        .contains("is not a Google Cloud location");
            }
            Answer hash = post(cloud.gw.url() + call("p", "127.0.0.1:9444%23", "claude-sonnet-4-5@20250929"),
                    tallyKey(key), BODY);
            assertThat(hash.body()).contains("location '127.0.0.1:9444#'");
            assertThat(tokenLookups).hasValue(0);
            assertThat(cloud.vertex.seen).isEmpty();
            assertThat(cloud.gw.records()).isEmpty();
        }
    }

    @Test
    void a_project_or_model_that_could_change_where_the_call_goes_is_refused_and_google_location_names_pass() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            for (String[] bad : new String[][] {{"p%2F..%2Fx", "us-east5", "claude-sonnet-4-5@20250929", "project 'p/../x'"},
                    {"p%23", "us-east5", "claude-sonnet-4-5@20250929", "project 'p#'"},
                    {"p%3Fq", "us-east5", "claude-sonnet-4-5@20250929", "project 'p?q'"},
                    {"p", "us-east5", "claude%2F..%2Fx", "model 'claude/../x'"},
                    {"p", "us-east5", "claude%00x", "model 'claude\\\\u0000x'"}, // the message's escape, as JSON writes it
                    {"p", "us-east5", "%20", "model ' '"}}) {
                Answer resp = post(cloud.gw.url() + call(bad[0], bad[1], bad[2]), tallyKey(key), BODY);
                assertThat(resp.statusCode()).as(bad[3]).isEqualTo(400);
                assertThat(resp.body()).as(bad[3]).contains(bad[3]);
            }
            assertThat(cloud.vertex.seen).isEmpty();

            for (String location : List.of("global", "us", "eu", "europe-west1", "northamerica-northeast1")) {
                Answer resp = post(cloud.gw.url() + call("my-proj-123", location, "claude-sonnet-4-5@20250929"),
                        tallyKey(key), BODY);
                assertThat(resp.statusCode()).as(location).isEqualTo(200);
            }
            assertThat(cloud.vertex.seen).extracting(FakeVertex.Seen::path).containsExactly(
                    "/v1/projects/my-proj-123/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
                    "/v1/projects/my-proj-123/locations/us/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
                    "/v1/projects/my-proj-123/locations/eu/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
                    "/v1/projects/my-proj-123/locations/europe-west1/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
                    "/v1/projects/my-proj-123/locations/northamerica-northeast1/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
        }
    }
}
