package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * max_tokens beyond what the model can write, or not a sane count at all, is the caller's mistake:
 * a 400 invalid_request_error in Anthropic's shape, never forwarded and never a 500. Usage from the
 * upstream that the ledger cannot hold is not stored.
 */
class MaxTokensTest {
    @TempDir Path dir;

    private static String body(String model, String maxTokens) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static void assertInvalid(HttpResponse<byte[]> r, String message) throws Exception {
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(400);
        JsonNode e = FakeAnthropic.JSON.readTree(r.body());
        assertThat(e.path("type").asText()).isEqualTo("error");
        assertThat(e.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("error").path("message").asText()).contains(message);
    }

    @Test
    void maxTokensBeyondTheModelsOutputLimitOrAbsurdIsA400InAnthropicsShape() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            String url = gw.url() + "/v1/messages";
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-opus-4-1-20250805", "32001")),
                    "max_tokens: 32001 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1-20250805");
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-3-haiku-20240307", "8192")), "> 4096");
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-imaginary-9", "200000")), "> 128000"); // unknown: the default ceiling
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-sonnet-4-5", "-5")), "max_tokens=-5 out of range [0, 1e10]");
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-sonnet-4-5", "10000000001")), "max_tokens=10000000001 out of range");
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-sonnet-4-5", "99999999999999999999999")), "max_tokens: expected a whole number");
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-sonnet-4-5", "1.5")), "max_tokens: expected a whole number");
            assertInvalid(Http.post(url, Http.withKey(key), body("claude-sonnet-4-5", "\"lots\"")), "max_tokens: expected a whole number");
            assertThat(gw.upstream.seen).isEmpty();

            // at the limit it passes
            assertThat(Http.post(url, Http.withKey(key), body("claude-opus-4-1-20250805", "32000")).statusCode()).isEqualTo(200);
            assertThat(Http.post(url, Http.withKey(key), body("claude-sonnet-4-5-20250929", "64000")).statusCode()).isEqualTo(200);
            assertThat(gw.upstream.seen).hasSize(2);
        }
    }

    @Test
    void upstreamUsageTheLedgerCannotHoldIsNotStored() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.upstream.usage = s -> s.body().contains("\"max_tokens\":11") ? new FakeAnthropic.Usage(20_000_000_000L, 0, 0, 7, 0)
                    : s.body().contains("\"max_tokens\":12") ? new FakeAnthropic.Usage(25, 0, -4, 7, 0) // never read as 0
                    : FakeAnthropic.Usage.FIRST_CALL;
            for (int maxTokens : new int[] {11, 12}) {
                assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-sonnet-4-5", maxTokens, false))
                        .statusCode()).isEqualTo(200); // the answer was already the caller's
                assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-sonnet-4-5", maxTokens, true))
                        .statusCode()).isEqualTo(200); // streamed too
            }
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-sonnet-4-5", 10, false)).statusCode())
                    .isEqualTo(200);
            gw.awaitRecords(1);
            GatewayHarness.sleep(300); // the first exchange ended before the second began
            List<GatewayHarness.Rec> stored = gw.records();
            assertThat(stored).singleElement().satisfies(r -> assertThat(r.tokens().input()).isEqualTo(25));
        }
    }
}
