package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays every request Claude Code 2.1.197 and the JS SDK sent in the captured fixtures through the
 * gateway. The fake upstream answers each with the usage it answered at capture time, so the
 * recorded totals must be what every other source agrees on (fixtures README).
 */
class FixtureReplayTest {
    static final Path FIXTURES = tally.Fixtures.CLAUDE_CODE;
    /** Headers a client library sets itself. */
    static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length", "connection", "accept-encoding", "upgrade", "expect");

    @TempDir Path dir;

    record Captured(String method, String uri, Map<String, String> headers, String body, JsonNode usage, int status) {}

    static List<Captured> read(Path file) throws IOException {
        List<Captured> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            JsonNode n = FakeAnthropic.JSON.readTree(line);
            Map<String, String> h = new LinkedHashMap<>();
            n.get("headers").forEach(pair -> {
                if (!SET_BY_CLIENT.contains(pair.get(0).asText().toLowerCase())) h.put(pair.get(0).asText(), pair.get(1).asText());
            });
            String q = n.path("query").asText("");
            out.add(new Captured(n.get("method").asText(), n.get("path").asText() + (q.isEmpty() ? "" : "?" + q), h,
                    n.get("body").isNull() ? null : n.get("body").toString(), n.get("response_usage"), n.get("response_status").asInt()));
        }
        return out;
    }

    /** The fake answers each replayed request with the usage captured for it, in order. */
    static void answerWithCapturedUsage(GatewayHarness gw, List<Captured> reqs) {
        List<JsonNode> usages = reqs.stream().filter(r -> r.usage() != null).map(Captured::usage).toList();
        int[] next = {0};
        gw.upstream.usage = s -> {
            JsonNode u = usages.get(next[0]++);
            return new FakeAnthropic.Usage(u.path("input_tokens").asLong(), u.path("cache_creation_input_tokens").asLong(),
                    u.path("cache_read_input_tokens").asLong(), u.path("output_tokens").asLong(), 0);
        };
    }

    @Test
    void claude_codes_captured_session_with_a_pass_through_key_and_trusted_header_records_what_every_source_agrees_on() throws IOException {
        List<Captured> reqs = read(FIXTURES.resolve("gateway/requests.json-variant.trimmed.jsonl"));
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c.withTrustedHeaders("X-Dev-Id", "X-Team"))) {
            answerWithCapturedUsage(gw, reqs);
            for (Captured r : reqs) {
                HttpResponse<byte[]> resp = Http.send(r.method(), gw.url() + r.uri(), r.headers(), r.body());
                assertThat(resp.statusCode()).isEqualTo(200); // HEAD / included: answered, not 404
            }
            List<GatewayHarness.Rec> recs = gw.awaitRecords(5);
            assertThat(recs).hasSize(5).allSatisfy(rec -> {
                assertThat(rec.identity()).isEqualTo("alice@example.test");
                assertThat(rec.team()).isEqualTo("platform");
                assertThat(rec.status()).isEqualTo(200);
                assertThat(rec.sessionId()).isNotBlank();
            });
            TokenCounts total = recs.stream().map(GatewayHarness.Rec::tokens).reduce(TokenCounts.ZERO, TokenCounts::plus);
            // the README's figures cover the json run's first three calls (say hi, Read tool turn); the fork adds two
            assertThat(total).isEqualTo(new TokenCounts(155, 4940, 0, 63000, 43));
            assertThat(recs.stream().mapToLong(GatewayHarness.Rec::costNanos).sum()).isEqualTo(35_095_000L);
            // query string and bodies reached the upstream as sent
            List<FakeAnthropic.Seen> posts = gw.upstream.seen.stream().filter(s -> s.method().equals("POST")).toList();
            assertThat(posts).extracting(FakeAnthropic.Seen::uri).containsOnly("/v1/messages?beta=true");
            List<Captured> capturedPosts = reqs.stream().filter(r -> r.method().equals("POST")).toList();
            for (int i = 0; i < posts.size(); i++) assertThat(posts.get(i).body()).isEqualTo(capturedPosts.get(i).body());
            assertThat(posts).allSatisfy(s -> assertThat(s.headers().get("x-api-key")).isEqualTo("sk-ant...[redacted len=15]"));
        }
    }

    @Test
    void the_bearer_variant_with_a_managed_key_is_attributed_to_the_keys_person() throws IOException {
        List<Captured> reqs = read(FIXTURES.resolve("gateway/requests.protobuf-variant.trimmed.jsonl"));
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.team("platform"));
            answerWithCapturedUsage(gw, reqs);
            for (Captured r : reqs) {
                Map<String, String> h = new LinkedHashMap<>(r.headers());
                if (h.containsKey("Authorization")) h.put("Authorization", "Bearer " + key);
                assertThat(Http.send(r.method(), gw.url() + r.uri(), h, r.body()).statusCode()).isEqualTo(200);
            }
            List<GatewayHarness.Rec> recs = gw.awaitRecords(5);
            assertThat(recs).hasSize(5).extracting(GatewayHarness.Rec::identity).allMatch(i -> i.startsWith("key_"));
            assertThat(gw.upstream.seen).filteredOn(s -> s.method().equals("POST"))
                    .allSatisfy(s -> assertThat(s.headers().get("x-api-key")).isEqualTo(GatewayHarness.UPSTREAM_KEY));
            TokenCounts total = recs.stream().map(GatewayHarness.Rec::tokens).reduce(TokenCounts.ZERO, TokenCounts::plus);
            assertThat(total.input() + total.output()).isEqualTo(155 + 43);
        }
    }

    @Test
    void the_sdks_captured_requests_message_stream_count_tokens_and_an_unknown_path_replay_as_captured() throws IOException {
        List<Captured> reqs = read(FIXTURES.resolve("sdk/requests.jsonl"));
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("sdk-probe");
            List<Integer> statuses = new ArrayList<>();
            for (Captured r : reqs) {
                Map<String, String> h = new LinkedHashMap<>(r.headers());
                h.put("authorization", "Bearer " + key);
                String uri = r.uri().equals("/v1/models") ? "/v1/unknown-path" : r.uri(); // the fake knows /v1/models; probe an unknown one
                statuses.add(Http.send(r.method(), gw.url() + uri, h, r.body()).statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 200, 404);
            List<GatewayHarness.Rec> recs = gw.awaitRecords(2);
            assertThat(recs).hasSize(2); // the two messages; count_tokens and the 404 are not spend
            assertThat(recs).extracting(GatewayHarness.Rec::model).containsExactlyInAnyOrder("claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929");
            assertThat(recs).allSatisfy(r -> assertThat(r.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 7)));
        }
    }
}
