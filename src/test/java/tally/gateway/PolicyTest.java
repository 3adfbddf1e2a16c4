package tally.gateway;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.messages.MessageCreateParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-key policy (models, max_tokens) and rate limits per key and person. */
class PolicyTest {
    @TempDir Path dir;

    static final String SONNET = "claude-sonnet-4-5-20250929";

    @Test
    void a_model_outside_the_keys_allow_list_gets_403_permission_error_and_aliases_of_allowed_models_pass() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.models(SONNET));
            HttpResponse<byte[]> denied = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-opus-4-8", 10, false));
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(new String(denied.body())).contains("permission_error").contains("claude-opus-4-8");
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-sonnet-4-5", 10, false)).statusCode())
                    .isEqualTo(200);
            assertThat(gw.upstream.seen).hasSize(1);
        }
    }

    @Test
    void max_tokens_above_the_keys_cap_is_clamped_not_rejected_and_the_rest_of_the_body_is_kept() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.maxTokens(1_000));
            String body = "{\"model\":\"" + SONNET + "\",\"max_tokens\":64000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"thinking\":{\"type\":\"adaptive\"}}";
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            assertThat(gw.upstream.last().body()).isEqualTo(body.replace("64000", "1000"));
            String small = Http.messageBody(SONNET, 500, false);
            Http.post(gw.url() + "/v1/messages", Http.withKey(key), small);
            assertThat(gw.upstream.last().body()).isEqualTo(small);
        }
    }

    @Test
    void requests_per_minute_per_key_get_429_rate_limit_error_with_retry_after() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.rpm(2));
            String body = Http.messageBody(SONNET, 10, false);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> third = Http.post(gw.url() + "/v1/messages", Http.withKey(key), body);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(new String(third.body())).contains("rate_limit_error").contains("2 requests per minute");
            assertThat(Long.parseLong(third.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 30L);

            AnthropicClient sdk = AnthropicOkHttpClient.builder().baseUrl(gw.url()).apiKey(key).maxRetries(0).build();
            assertThatThrownBy(() -> sdk.messages().create(MessageCreateParams.builder().model(SONNET).maxTokens(5).addUserMessage("x").build()))
                    .isInstanceOf(RateLimitException.class);
            sdk.close();
        }
    }

    @Test
    void tokens_per_minute_are_taken_when_usage_is_known_and_hold_back_the_next_request() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.tpm(1_000));
            String body = Http.messageBody(SONNET, 10, false);
            // 25 input + 1,500 cache write + 7 output = 1,532 tokens (cache reads do not count)
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            gw.awaitRecords(1);
            HttpResponse<byte[]> next = Http.post(gw.url() + "/v1/messages", Http.withKey(key), body);
            assertThat(next.statusCode()).isEqualTo(429);
            // 532 tokens short at 1,000 per minute: about 32 seconds
            assertThat(Long.parseLong(next.headers().firstValue("retry-after").orElseThrow())).isBetween(28L, 33L);
        }
    }

    @Test
    void a_person_limit_applies_across_all_of_their_keys() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir, c -> c.withPersonLimits(1L, null))) {
            String k1 = gw.key("alice");
            String k2 = gw.key("alice");
            String body = Http.messageBody(SONNET, 10, false);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(k1), body).statusCode()).isEqualTo(200);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(k2), body).statusCode()).isEqualTo(429);
            String bob = gw.key("bob");
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(bob), body).statusCode()).isEqualTo(200);
        }
    }
}
