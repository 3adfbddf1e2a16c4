package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import tally.budget.Budget;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bedrock through the gateway, against a fake Bedrock runtime that verifies every SigV4 signature it
 * receives and answers real event-stream frames: Claude Code's captured Bedrock session replayed,
 * mid-stream exceptions, throttling, the key policy, and the server's own Bedrock API key.
 */
class BedrockGatewayTest {
    static final Path BEDROCK = tally.Fixtures.CLAUDE_CODE.resolve("bedrock");
    static final String SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

    @TempDir Path dir;

    /** A gateway whose /bedrock routes sign for the fake with its test credentials (or the given secret). */
    static final class Cloud implements AutoCloseable {
        final GatewayHarness gw;
        final FakeBedrock bedrock;

        Cloud(TestStores.Kind kind, Path dir, String secret, String apiKey) {
            FakeBedrock[] fake = new FakeBedrock[1];
            gw = new GatewayHarness(kind, dir, c -> c, (vertx, gateway) -> {
                fake[0] = new FakeBedrock(vertx, bytes("say-hi.eventstream.bin"));
                URI url = URI.create(fake[0].url());
                BedrockConfig config = new BedrockConfig(FakeBedrock.REGION, url, url, apiKey,
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(FakeBedrock.ACCESS_KEY, secret)));
                List<Consumer<Router>> parts = new ArrayList<>();
                parts.add(new BedrockRoutes(vertx, gateway, config, PriceCatalog(), Duration.ofSeconds(5))::mount);
                // application profiles are looked up as serve does: import bedrock's resolver, at the control endpoint
                tally.importers.aws.InferenceProfiles profiles = new tally.importers.aws.AwsAccess(FakeBedrock.REGION, url,
                        config.credentials()).inferenceProfiles();
                gateway.resolveProfilesWith(new ApplicationProfiles(vertx, profiles::modelIdNow));
                return parts;
            });
            bedrock = fake[0];
        }

        Cloud(TestStores.Kind kind, Path dir) {
            this(kind, dir, FakeBedrock.SECRET_KEY, null);
        }

        String base() {
            return gw.url() + "/bedrock";
        }

        @Override
        public void close() {
            bedrock.close();
            gw.close();
        }
    }

    static tally.pricing.PriceCatalog PriceCatalog() {
        return tally.pricing.PriceCatalog.bundled();
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(BEDROCK.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event stream rebuilt, frame by frame, from a fixture's decoded lines (for the captures saved only decoded). */
    static byte[] encoded(String decodedJsonl) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : Files.readAllLines(BEDROCK.resolve(decodedJsonl))) {
            if (line.isBlank()) continue;
            JsonNode n = FakeAnthropic.JSON.readTree(line);
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            n.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), HeaderValue.fromString(h.getValue().asText())));
            new Message(headers, FakeAnthropic.JSON.writeValueAsBytes(n.get("payload"))).encode(out);
        }
        return out.toByteArray();
    }

    /** provider, request id and model of every stored record. */
    static List<String[]> provenance(GatewayHarness gw) {
        gw.records();
        List<String[]> out = new ArrayList<>();
        try (Connection c = gw.store.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT provider, request_id, model_id, source FROM usage_events ORDER BY ts_ms, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static Map<String, String> bearer(String key) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer " + key);
        h.put("Content-Type", "application/json");
        return h;
    }

    static String streamUri(String model) {
        return "/model/" + model + "/invoke-with-response-stream";
    }

    static final String SMALL_BODY = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":32000,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"say hi\"}]}";

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void claude_codes_captured_bedrock_session_reaches_the_client_byte_for_byte_signed_and_is_recorded_with_the_fixtures_totals(
            TestStores.Kind kind) throws IOException {
        List<FixtureReplayTest.Captured> reqs = FixtureReplayTest.read(BEDROCK.resolve("requests.trimmed.jsonl"));
        List<byte[]> answers = List.of(bytes("say-hi.eventstream.bin"), bytes("read-tool.turn1.eventstream.bin"),
                encoded("read-tool.turn2.eventstream.decoded.jsonl"));
        try (Cloud cloud = new Cloud(kind, dir)) {
            String key = cloud.gw.key("alice", s -> s.team("platform"));
            List<byte[]> received = new ArrayList<>();
            List<Integer> statuses = new ArrayList<>();
            for (FixtureReplayTest.Captured r : reqs) {
                Map<String, String> h = new LinkedHashMap<>(r.headers());
                if (r.method().equals("POST")) {
                    h.put("Authorization", "Bearer " + key); // AWS_BEARER_TOKEN_BEDROCK=<Tally key>
                    cloud.bedrock.stream = answers.get(received.size());
                }
                HttpResponse<byte[]> resp = Http.send(r.method(), cloud.gw.url() + r.uri(), h, r.body());
                statuses.add(resp.statusCode());
                if (r.method().equals("POST")) {
                    received.add(resp.body());
                    assertThat(resp.headers().firstValue("content-type")).contains(BedrockRoutes.EVENT_STREAM);
                }
            }
            // the two unauthenticated profile lookups get the 404 Claude Code falls back on, as at capture time
            assertThat(statuses).containsExactly(404, 200, 404, 200, 200);
            for (int i = 0; i < answers.size(); i++) assertThat(received.get(i)).isEqualTo(answers.get(i));

            List<FakeBedrock.Seen> calls = cloud.bedrock.seen;
            assertThat(calls).hasSize(3).allSatisfy(s -> {
                assertThat(s.authProblem()).as("SigV4 as the fake recomputes it").isNull();
                assertThat(s.rawPath()).isEqualTo("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream");
                assertThat(s.headers().get("x-api-key")).isNull();
            });
            List<FixtureReplayTest.Captured> posts = reqs.stream().filter(r -> r.method().equals("POST")).toList();
            for (int i = 0; i < 3; i++) assertThat(new String(calls.get(i).body(), StandardCharsets.UTF_8)).isEqualTo(posts.get(i).body());

            List<GatewayHarness.Rec> recs = cloud.gw.awaitRecords(3);
            assertThat(recs).hasSize(3).allSatisfy(rec -> {
                assertThat(rec.identity()).startsWith("key_");
                assertThat(rec.team()).isEqualTo("platform");
                assertThat(rec.status()).isEqualTo(200);
            });
            TokenCounts total = recs.stream().map(GatewayHarness.Rec::tokens).reduce(TokenCounts.ZERO, TokenCounts::plus);
            // say hi (25/7/12000/1500) + the Read-tool turn (65/18/25500/1720): the fixture README's totals
            assertThat(total).isEqualTo(new TokenCounts(25 + 65, 1500 + 1720, 0, 12000 + 25500, 7 + 18));
            // the us. profile costs the regional premium: say hi is $0.009405 at list, $0.0103455 here
            assertThat(recs.get(0).costNanos()).isEqualTo(10_345_500L);
            assertThat(provenance(cloud.gw)).allSatisfy(p -> {
                assertThat(p[0]).isEqualTo("bedrock");
                assertThat(p[2]).isEqualTo(SONNET);
                assertThat(p[3]).isEqualTo("gateway");
            });
            assertThat(provenance(cloud.gw)).extracting(p -> p[1])
                    .containsExactlyInAnyOrderElementsOf(calls.stream().map(FakeBedrock.Seen::requestId).toList());
        }
    }

    @Test
    void a_mid_stream_exception_is_a_failure_with_bedrocks_status_for_its_type_and_keeps_the_usage_already_reported() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            byte[] broken = Base64.getMimeDecoder().decode(bytes("stream-exception.eventstream.b64"));
            cloud.bedrock.stream = broken;
            HttpResponse<byte[]> resp = Http.send("POST", cloud.base() + streamUri(SONNET), bearer(key), SMALL_BODY);
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.body()).isEqualTo(broken); // the client sees the exception frame, as Bedrock sent it
            GatewayHarness.Rec rec = cloud.gw.awaitRecords(1).get(0);
            assertThat(rec.status()).isEqualTo(424); // modelStreamErrorException
            assertThat(rec.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 1));
        }
    }

    @Test
    void throttling_reaches_the_client_as_bedrock_sent_it_and_is_recorded_as_a_429() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            cloud.bedrock.throttle = 1;
            HttpResponse<byte[]> first = Http.send("POST", cloud.base() + streamUri(SONNET), bearer(key), SMALL_BODY);
            assertThat(first.statusCode()).isEqualTo(429);
            assertThat(first.headers().firstValue("x-amzn-ErrorType")).hasValueSatisfying(v -> assertThat(v).startsWith("ThrottlingException"));
            HttpResponse<byte[]> retry = Http.send("POST", cloud.base() + streamUri(SONNET), bearer(key), SMALL_BODY);
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(cloud.gw.awaitRecords(2)).extracting(GatewayHarness.Rec::status).containsExactly(429, 200);
        }
    }

    @Test
    void the_key_policy_applies_as_on_v1_messages_allow_list_max_tokens_clamp_and_a_hard_budget() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String haikuOnly = cloud.gw.key("bob", s -> s.models("claude-haiku-4-5"));
            HttpResponse<byte[]> refused = Http.send("POST", cloud.base() + streamUri(SONNET), bearer(haikuOnly), SMALL_BODY);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(cloud.bedrock.seen).isEmpty();

            String clamped = cloud.gw.key("carol", s -> s.maxTokens(1000));
            assertThat(Http.send("POST", cloud.base() + streamUri(SONNET), bearer(clamped), SMALL_BODY).statusCode()).isEqualTo(200);
            FakeBedrock.Seen forwarded = cloud.bedrock.seen.get(0);
            assertThat(forwarded.authProblem()).isNull(); // the rewritten body is what was signed
            assertThat(FakeAnthropic.JSON.valueToTree(parse(forwarded.body())).path("max_tokens").asLong()).isEqualTo(1000);

            String dave = cloud.gw.key("dave");
            cloud.gw.budget(new Budget("dave-cap", Budget.Scope.PERSON, "dave", tally.budget.Budget.Period.MONTHLY,
                    Budget.Unit.USD, 10_000_000L, true, 80)); // $0.01: one say-hi ($0.0103) spends it
            assertThat(Http.send("POST", cloud.base() + streamUri(SONNET), bearer(dave), SMALL_BODY).statusCode()).isEqualTo(200);
            cloud.gw.awaitRecords(3);
            cloud.gw.gateway.reload();
            assertThat(Http.send("POST", cloud.base() + streamUri(SONNET), bearer(dave), SMALL_BODY).statusCode()).isEqualTo(402);
            assertThat(cloud.bedrock.seen).hasSize(2);
        }
    }

    @Test
    void a_pinned_inference_geo_is_first_party_data_residency_and_never_costs_a_bedrock_call_more() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("erin");
            // the answer's usage says where it ran; the last call pins it in its body instead
            cloud.bedrock.garble = s -> s.replace("\"output_tokens\":7}", "\"output_tokens\":7,\"inference_geo\":\"us\"}");
            String pinned = SMALL_BODY.replace("\"max_tokens\"", "\"inference_geo\":\"us\",\"max_tokens\"");
            for (String[] call : new String[][] {{"us.anthropic.claude-opus-4-6-v1", SMALL_BODY},
                    {"global.anthropic.claude-opus-4-6-v1", SMALL_BODY}, {"us.anthropic.claude-opus-4-6-v1", pinned}}) {
                if (call[1] == pinned) cloud.bedrock.garble = s -> s;
                assertThat(Http.send("POST", cloud.base() + "/model/" + call[0] + "/invoke", bearer(key), call[1]).statusCode())
                        .isEqualTo(200);
            }
            Map<String, Long> costs = new LinkedHashMap<>();
            for (GatewayHarness.Rec r : cloud.gw.awaitRecords(3)) costs.put(r.requestId(), r.costNanos());
            // Opus 4.6, 25 in / 1,500 5m writes / 12,000 reads / 7 out: $0.015675 at list; a us. profile 1.1x, never 1.21x
            assertThat(cloud.bedrock.seen).extracting(seen -> costs.get(seen.requestId()))
                    .containsExactly(17_242_500L, 15_675_000L, 17_242_500L);
        }
    }

    @Test
    void a_call_through_an_application_inference_profile_is_priced_budgeted_and_recorded_by_the_model_it_runs() {
        String team = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/teamweb01";
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            cloud.bedrock.profiles.put(team, "{\"inferenceProfileArn\":\"" + team + "\",\"inferenceProfileName\":\"team-web\","
                    + "\"type\":\"APPLICATION\",\"status\":\"ACTIVE\",\"models\":["
                    + "{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0\"},"
                    + "{\"modelArn\":\"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0\"}]}");
            String erin = cloud.gw.key("erin");
            cloud.gw.budget(new Budget("erin-cap", Budget.Scope.PERSON, "erin", tally.budget.Budget.Period.MONTHLY,
                    Budget.Unit.USD, 100_000_000_000L, true, 80)); // a hard $100: an unpriced model would be refused
            String path = "/model/" + team.replace("/", "%2F") + "/invoke";
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> resp = Http.send("POST", cloud.base() + path, bearer(erin), SMALL_BODY);
                assertThat(resp.statusCode()).isEqualTo(200);
            }
            List<GatewayHarness.Rec> recs = cloud.gw.awaitRecords(2);
            // the profile runs Sonnet 4.5 in two US regions: priced as the us. profile, $0.009405 × 1.1
            assertThat(recs).extracting(GatewayHarness.Rec::costNanos).containsExactly(10_345_500L, 10_345_500L);
            assertThat(recs).extracting(GatewayHarness.Rec::model).containsOnly("claude-sonnet-4-5-20250929");
            assertThat(provenance(cloud.gw)).extracting(p -> p[2]).containsOnly(SONNET);
            // looked up once, signed; the call itself went up under the profile's ARN
            assertThat(cloud.bedrock.seen).extracting(FakeBedrock.Seen::rawPath).filteredOn(p -> p.startsWith("/inference-profiles/"))
                    .hasSize(1);
            assertThat(cloud.bedrock.seen).allSatisfy(s -> assertThat(s.authProblem()).isNull());
            assertThat(cloud.bedrock.seen).extracting(FakeBedrock.Seen::rawPath).filteredOn(p -> p.startsWith("/model/"))
                    .containsOnly("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fteamweb01/invoke");
        }
    }

    @Test
    void converse_caps_its_output_with_inference_config_max_tokens_which_the_key_clamps_and_bounds_refuse() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String converse = "/model/" + SONNET + "/converse";
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"say hi\"}]}],"
                    + "\"inferenceConfig\":{\"maxTokens\":5000,\"temperature\":0.5}}";
            String clamped = cloud.gw.key("carol", s -> s.maxTokens(1000));
            assertThat(Http.send("POST", cloud.base() + converse, bearer(clamped), body).statusCode()).isEqualTo(200);
            FakeBedrock.Seen forwarded = cloud.bedrock.seen.get(0);
            assertThat(forwarded.authProblem()).isNull(); // the rewritten body is what was signed
            JsonNode config = parse(forwarded.body()).path("inferenceConfig");
            assertThat(config.path("maxTokens").asLong()).isEqualTo(1000);
            assertThat(config.path("temperature").asDouble()).isEqualTo(0.5);

            String absurd = body.replace("5000", "99999999999");
            HttpResponse<byte[]> refused = Http.send("POST", cloud.base() + converse, bearer(clamped), absurd);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("inferenceConfig.maxTokens");
            assertThat(cloud.bedrock.seen).hasSize(1);
        }
    }

    private static JsonNode parse(byte[] b) {
        try {
            return FakeAnthropic.JSON.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void an_inference_profile_lookup_with_a_tally_key_goes_to_the_control_plane_signed_and_is_not_spend() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            HttpResponse<byte[]> resp = Http.send("GET", cloud.base() + "/inference-profiles?type=SYSTEM_DEFINED", bearer(key), null);
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(new String(resp.body(), StandardCharsets.UTF_8)).contains("inferenceProfileSummaries");
            FakeBedrock.Seen s = cloud.bedrock.seen.get(0);
            assertThat(s.rawPath()).isEqualTo("/inference-profiles?type=SYSTEM_DEFINED");
            assertThat(s.authProblem()).isNull();
            assertThat(cloud.gw.records()).isEmpty();
        }
    }

    @Test
    void the_fake_refuses_a_signature_made_with_the_wrong_secret_so_a_valid_one_means_something() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir, "not/the/secret/KEY000000000000000000000", null)) {
            String key = cloud.gw.key("alice");
            HttpResponse<byte[]> resp = Http.send("POST", cloud.base() + streamUri(SONNET), bearer(key), SMALL_BODY);
            assertThat(resp.statusCode()).isEqualTo(403);
            assertThat(cloud.bedrock.seen.get(0).authProblem()).contains("signature we calculated does not match");
            assertThat(cloud.gw.awaitRecords(1).get(0).status()).isEqualTo(403);
        }
    }

    @Test
    void with_a_server_side_bedrock_api_key_requests_go_up_as_its_bearer_token_and_an_arn_model_is_encoded_in_the_path() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir, FakeBedrock.SECRET_KEY, FakeBedrock.API_KEY)) {
            String key = cloud.gw.key("alice");
            String arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Ffakeprofile01";
            HttpResponse<byte[]> resp = Http.send("POST", cloud.base() + "/model/" + arn + "/invoke", bearer(key), SMALL_BODY);
            assertThat(resp.statusCode()).isEqualTo(200);
            // (the profile's own lookup, which this fake does not know, goes first)
            FakeBedrock.Seen s = cloud.bedrock.seen.stream().filter(x -> x.rawPath().startsWith("/model/")).findFirst().orElseThrow();
            assertThat(s.headers().get("authorization")).isEqualTo("Bearer " + FakeBedrock.API_KEY);
            assertThat(s.rawPath()).isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Ffakeprofile01/invoke");
            GatewayHarness.Rec rec = cloud.gw.awaitRecords(1).get(0);
            assertThat(rec.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 7));
            assertThat(rec.requestId()).isEqualTo(s.requestId());
        }
    }

    @Test
    void a_path_with_empty_or_dot_segments_is_read_as_it_was_routed_and_holds_no_budgets_turn_after_it() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("bob");
            cloud.gw.budget(new Budget("bob-cap", Budget.Scope.PERSON, "bob", Budget.Period.MONTHLY, Budget.Unit.USD,
                    50_000_000L, true, 100)); // $0.05: his requests go one at a time
            for (String path : List.of("//model/" + SONNET + "/invoke", "/./model/" + SONNET + "/invoke",
                    "/model/../model/" + SONNET + "/invoke")) {
                assertThat(Http.send("POST", cloud.base() + path, bearer(key), SMALL_BODY).statusCode()).as(path).isEqualTo(200);
            }
            assertThat(cloud.bedrock.seen).extracting(FakeBedrock.Seen::rawPath).containsOnly(
                    "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke");
            cloud.gw.awaitRecords(3);
            assertThat(provenance(cloud.gw)).extracting(p -> p[2]).containsExactly(SONNET, SONNET, SONNET);

            long start = System.nanoTime();
            assertThat(Http.send("POST", cloud.base() + streamUri(SONNET), bearer(key), SMALL_BODY).statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void a_model_id_holding_a_nul_or_a_blank_one_is_refused_as_bedrock_refuses_it_before_anything_is_sent() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            for (String model : List.of("abc%00def", "%20", "us.anthropic.claude%0A", "a%20b")) {
                HttpResponse<byte[]> resp = Http.send("POST", cloud.base() + "/model/" + model + "/invoke", bearer(key), SMALL_BODY);
                assertThat(resp.statusCode()).as(model).isEqualTo(400);
                assertThat(resp.headers().firstValue("x-amzn-ErrorType")).as(model).contains("ValidationException");
                JsonNode body = parse(resp.body());
                assertThat(body.path("message").asText()).as(model).containsAnyOf("model id", "blank");
            }
            assertThat(parse(Http.send("POST", cloud.base() + "/model/abc%00def/invoke", bearer(key), SMALL_BODY).body())
                    .path("message").asText()).isEqualTo("model id 'abc\\u0000def' holds a control or whitespace character");
            assertThat(cloud.bedrock.seen).isEmpty();
        }
    }

    /** Claude Code's api_request event for one call, carrying the request id it read from the answer's request-id header. */
    static String apiRequestEvent(String session, String requestId, TokenCounts t) {
        long nanos = System.currentTimeMillis() * 1_000_000L;
        StringBuilder attrs = new StringBuilder();
        String[][] kv = {{"event.name", "api_request"}, {"session.id", session}, {"user.email", "gina@example.test"},
                {"model", SONNET}, {"request_id", requestId}, {"input_tokens", "" + t.input()}, {"output_tokens", "" + t.output()},
                {"cache_read_tokens", "" + t.cacheRead()}, {"cache_creation_tokens", "" + t.cacheWrite5m()}};
        for (String[] a : kv) {
            if (attrs.length() > 0) attrs.append(',');
            attrs.append("{\"key\":\"").append(a[0]).append("\",\"value\":{\"stringValue\":\"").append(a[1]).append("\"}}");
        }
        return "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"claude-code\"}}]},"
                + "\"scopeLogs\":[{\"scope\":{\"name\":\"com.anthropic.claude_code.events\"},\"logRecords\":[{\"timeUnixNano\":\"" + nanos
                + "\",\"body\":{\"stringValue\":\"claude_code.api_request\"},\"attributes\":[" + attrs + "]}]}]}]}";
    }

    @Test
    void the_answer_carries_the_records_request_id_as_request_id_so_claude_codes_telemetry_of_the_call_is_counted_once() {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir);
             tally.otlp.TelemetryCollector collector = new tally.otlp.TelemetryCollector(cloud.gw.writer, cloud.gw.ledger,
                     new tally.store.ActivityLog(cloud.gw.store), "developer.id", "team.id");
             tally.server.TallyServer otlp = tally.server.TallyServer.start(cloud.gw.vertx, "127.0.0.1", 0,
                     List.of(new tally.otlp.OtlpRoutes(cloud.gw.vertx, collector)::mount))) {
            String key = cloud.gw.key("gina");
            Map<String, String> h = bearer(key);
            h.put("X-Claude-Code-Session-Id", "sess-gina-1");
            HttpResponse<byte[]> resp = Http.send("POST", cloud.base() + streamUri(SONNET), h, SMALL_BODY);
            assertThat(resp.statusCode()).isEqualTo(200);
            String requestId = resp.headers().firstValue("request-id").orElseThrow();
            assertThat(requestId).isEqualTo(cloud.bedrock.seen.get(0).requestId()); // x-amzn-requestid
            GatewayHarness.Rec rec = cloud.gw.awaitRecords(1).get(0);
            assertThat(rec.requestId()).isEqualTo(requestId);

            HttpResponse<byte[]> exported = Http.post("http://127.0.0.1:" + otlp.port() + "/v1/logs",
                    Map.of("content-type", "application/json"), apiRequestEvent("sess-gina-1", requestId, rec.tokens()));
            assertThat(exported.statusCode()).isEqualTo(200);
            assertThat(cloud.gw.records()).singleElement().satisfies(r -> {
                assertThat(r.requestId()).isEqualTo(requestId);
                assertThat(r.costNanos()).isEqualTo(10_345_500L);
            });
            assertThat(provenance(cloud.gw)).extracting(p -> p[3]).containsExactly("gateway");
            // the same event for another call is kept: only the shared id made it one
            Http.post("http://127.0.0.1:" + otlp.port() + "/v1/logs", Map.of("content-type", "application/json"),
                    apiRequestEvent("sess-gina-1", "another-call", rec.tokens()));
            assertThat(provenance(cloud.gw)).extracting(p -> p[3]).containsExactlyInAnyOrder("gateway", "otel-event");
        }
    }

    @Test
    void an_event_stream_that_ends_cleanly_without_its_final_usage_is_recorded_as_a_failure() throws IOException {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            ByteArrayOutputStream firstTwo = new ByteArrayOutputStream(); // message_start and content_block_start, then the end
            List<Message> frames = new ArrayList<>();
            new software.amazon.awssdk.eventstream.MessageDecoder(frames::add).feed(bytes("say-hi.eventstream.bin"));
            for (Message m : frames.subList(0, 2)) m.encode(firstTwo);
            cloud.bedrock.stream = firstTwo.toByteArray();
            HttpResponse<byte[]> resp = Http.send("POST", cloud.base() + streamUri(SONNET), bearer(key), SMALL_BODY);
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.body()).isEqualTo(firstTwo.toByteArray());
            GatewayHarness.Rec rec = cloud.gw.awaitRecords(1).get(0);
            assertThat(rec.status()).isEqualTo(502);
            assertThat(rec.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 1)); // message_start's provisional usage
        }
    }

    @Test
    void a_compressed_request_body_is_refused_with_415_validation_exception_on_bedrock_and_vertex() throws Exception {
        try (Cloud cloud = new Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("carol", s -> s.maxTokens(1000));
            Map<String, String> h = bearer(key);
            h.put("Content-Encoding", "gzip");
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(SMALL_BODY.getBytes(StandardCharsets.UTF_8));
            }
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(cloud.base() + streamUri(SONNET)))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray()));
            h.forEach(b::header);
            HttpResponse<String> resp = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(415);
            assertThat(resp.headers().firstValue("x-amzn-ErrorType")).contains("ValidationException");
            assertThat(resp.body()).contains("'gzip'-encoded");
            assertThat(cloud.bedrock.seen).isEmpty();
        }
    }
}
