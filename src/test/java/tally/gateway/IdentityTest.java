package tally.gateway;

import tally.core.Secrets;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.MessageCreateParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.identity.People;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Managed keys, pass-through keys and trusted headers, and the 401 for everything else. */
class IdentityTest {
    @TempDir Path dir;

    static final String BODY = Http.messageBody("claude-haiku-4-5-20251001", 16, false);

    @Test
    void a_managed_key_works_as_x_api_key_and_as_bearer_and_is_attributed_to_its_person() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            AnthropicClient viaApiKey = AnthropicOkHttpClient.builder().baseUrl(gw.url()).apiKey(key).maxRetries(0).build();
            AnthropicClient viaBearer = AnthropicOkHttpClient.builder().baseUrl(gw.url()).authToken(key).maxRetries(0).build();
            MessageCreateParams p = MessageCreateParams.builder().model("claude-haiku-4-5-20251001").maxTokens(8).addUserMessage("x").build();
            viaApiKey.messages().create(p);
            viaBearer.messages().create(p);
            viaApiKey.close();
            viaBearer.close();
            assertThat(gw.upstream.seen).allSatisfy(s -> {
                assertThat(s.headers().get("x-api-key")).isEqualTo(GatewayHarness.UPSTREAM_KEY);
                assertThat(s.headers().get("authorization")).isNull();
            });
            var recs = gw.awaitRecords(2);
            assertThat(recs).extracting(GatewayHarness.Rec::identity).containsOnly(recs.get(0).identity()).allMatch(i -> i.startsWith("key_"));
            assertThat(new People(gw.store).resolve(recs.get(0).identity())).isEqualTo("alice");
        }
    }

    @Test
    void the_key_is_stored_only_as_a_hash() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            try (Connection c = gw.store.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT secret_hash FROM gateway_keys")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(Secrets.sha256Hex(key)).doesNotContain(key);
            }
        }
    }

    @Test
    void an_unknown_revoked_or_missing_key_gets_401_authentication_error_in_anthropic_shape() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c.withPassThrough(false))) {
            String revoked = gw.key("bob");
            gw.keys.revoke(gw.keys.list().get(0).id());
            gw.gateway.reload(); // as the CLI bridge does after `tally keys revoke`
            for (Map<String, String> h : new Map[] {Http.withKey("sk-tally-not-a-real-key"), Http.withKey(revoked),
                    Http.withKey("sk-ant-api03-someone-elses"), Map.of("content-type", "application/json")}) {
                HttpResponse<byte[]> r = Http.post(gw.url() + "/v1/messages", h, BODY);
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(new String(r.body())).contains("\"type\":\"error\"").contains("\"type\":\"authentication_error\"")
                        .contains("\"request_id\":\"req_tally_");
            }
            AnthropicClient sdk = AnthropicOkHttpClient.builder().baseUrl(gw.url()).apiKey("sk-tally-nope").maxRetries(0).build();
            assertThatThrownBy(() -> sdk.messages().create(MessageCreateParams.builder().model("claude-haiku-4-5-20251001")
                    .maxTokens(8).addUserMessage("x").build())).isInstanceOf(UnauthorizedException.class);
            sdk.close();
            assertThat(gw.upstream.seen).isEmpty();
            assertThat(gw.records()).isEmpty();
        }
    }

    @Test
    void a_key_made_by_another_process_works_within_a_second_and_made_up_keys_are_refused_together() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c.withPassThrough(false))) {
            long start = System.nanoTime();
            java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> unknown = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) { // anyone can send made-up Tally keys
                unknown.add(Http.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url() + "/v1/messages"))
                        .header("content-type", "application/json").header("x-api-key", "sk-tally-made-up-" + i)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (var f : unknown) assertThat(f.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(401);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("200 unknown keys share a few re-reads")
                    .isLessThan(java.time.Duration.ofSeconds(5));

            // `tally keys create` by another process on the same store: this gateway has not reloaded
            String made = new VirtualKeys(gw.store, java.time.Clock.systemUTC()).create("erin", null, null, null, null, null, null, null).secret();
            long asked = System.nanoTime();
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(made), BODY).statusCode()).isEqualTo(200);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - asked)).isLessThan(java.time.Duration.ofSeconds(3)); // a re-read, not the 10 s refresh
        }
    }

    @Test
    void a_pass_through_key_is_forwarded_as_sent_and_attributed_by_fingerprint_never_stored() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String own = "sk-ant-api03-developers-own-key";
            Http.post(gw.url() + "/v1/messages", Http.withKey(own), BODY);
            Http.post(gw.url() + "/v1/messages", Map.of("authorization", "Bearer " + own, "content-type", "application/json"), BODY);

            assertThat(gw.upstream.seen.get(0).headers().get("x-api-key")).isEqualTo(own);
            assertThat(gw.upstream.seen.get(1).headers().get("authorization")).isEqualTo("Bearer " + own);
            var recs = gw.awaitRecords(2);
            assertThat(recs).extracting(GatewayHarness.Rec::identity).containsOnly(Secrets.fingerprint(own));
            try (Connection c = gw.store.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM usage_events WHERE identity LIKE '%developers-own%'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void a_trusted_identity_header_counts_only_when_enabled() {
        Map<String, String> h = Map.of("x-api-key", "sk-ant-api03-shared", "X-Dev-Id", "alice@example.test", "X-Team", "platform",
                "content-type", "application/json");
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            Http.post(gw.url() + "/v1/messages", h, BODY);
            assertThat(gw.awaitRecords(1).get(0).identity()).isEqualTo(Secrets.fingerprint("sk-ant-api03-shared"));
        }
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir.resolve("trusting"),
                c -> c.withTrustedHeaders("X-Dev-Id", "X-Team"))) {
            Http.post(gw.url() + "/v1/messages", h, BODY);
            var r = gw.awaitRecords(1).get(0);
            assertThat(r.identity()).isEqualTo("alice@example.test");
            assertThat(r.team()).isEqualTo("platform");
            // with no key of their own, the server's is used
            Http.post(gw.url() + "/v1/messages", Map.of("X-Dev-Id", "bob@example.test", "content-type", "application/json"), BODY);
            assertThat(gw.upstream.last().headers().get("x-api-key")).isEqualTo(GatewayHarness.UPSTREAM_KEY);
        }
    }

    @Test
    void tallys_own_headers_the_trusted_identity_ones_and_x_tally_ones_are_not_forwarded_to_anthropic() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c.withTrustedHeaders("X-Dev-Id", "X-Team"))) {
            Http.post(gw.url() + "/v1/messages", Map.of("X-Dev-Id", "dave@example.test", "X-Team", "web", "X-Tally-Project", "shop",
                    "X-Claude-Code-Session-Id", "s-dave", "content-type", "application/json"), BODY);
            assertThat(gw.awaitRecords(1).get(0).identity()).isEqualTo("dave@example.test");
            var sent = gw.upstream.last().headers();
            assertThat(sent.get("x-dev-id")).isNull();
            assertThat(sent.get("x-team")).isNull();
            assertThat(sent.get("x-tally-project")).isNull();
            assertThat(sent.get("x-claude-code-session-id")).isEqualTo("s-dave"); // the client's own headers cross as before
        }
    }
}
