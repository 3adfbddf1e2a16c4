package tally.gateway;

import com.anthropic.bedrock.backends.BedrockBackend;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.vertex.backends.VertexBackend;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import tally.core.TokenCounts;
import tally.identity.People;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Anthropic Java SDK's own cloud backends as gateway clients: its BedrockBackend with a Tally
 * key as the Bedrock API key (sent as a bearer token, the gateway re-signs with SigV4), and its
 * VertexBackend with a Tally key as the Google access token (the gateway swaps in its own). The SDK
 * builds the cloud paths and bodies, decodes what the gateway relays, and each call is billed to the key's person.
 */
class AnthropicSdkCloudBackendsTest {
    static final TokenCounts SAY_HI = new TokenCounts(25, 1500, 0, 12000, 7);

    @TempDir Path dir;

    @Test
    void the_sdks_bedrock_backend_with_a_tally_key_as_its_api_key_creates_and_streams_through_the_gateway() {
        try (BedrockGatewayTest.Cloud cloud = new BedrockGatewayTest.Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            AnthropicClient sdk = AnthropicOkHttpClient.builder().maxRetries(0).backend(BedrockBackend.builder()
                    .apiKey(key).region(Region.US_EAST_1).baseUrl(cloud.base()).build()).build();
            try {
                Message created = sdk.messages().create(params(BedrockGatewayTest.SONNET));
                assertThat(created.content().get(0).asText().text()).isEqualTo("hi");
                assertThat(created.usage().cacheReadInputTokens()).contains(12000L);
                assertThat(streamed(sdk, BedrockGatewayTest.SONNET).usage().outputTokens()).isEqualTo(7);
            } finally {
                sdk.close();
            }
            assertThat(cloud.bedrock.seen).extracting(FakeBedrock.Seen::rawPath).containsExactly(
                    "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke",
                    "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream");
            assertThat(cloud.bedrock.seen).allSatisfy(s -> {
                assertThat(s.authProblem()).as("re-signed with SigV4 by the gateway").isNull();
                assertThat(s.headers().get("authorization")).doesNotContain(key);
            });
            assertBilledToAlice(cloud.gw);
        }
    }

    @Test
    void the_sdks_vertex_backend_with_a_tally_key_as_its_access_token_creates_and_streams_through_the_gateway() {
        try (VertexGatewayTest.Cloud cloud = new VertexGatewayTest.Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            GoogleCredentials tallyKey = GoogleCredentials.create(new AccessToken(key, Date.from(Instant.now().plus(Duration.ofHours(1)))));
            // the SDK appends /v1/projects/… itself, so its base URL is …/vertex (Claude Code's is …/vertex/v1)
            AnthropicClient sdk = AnthropicOkHttpClient.builder().maxRetries(0).backend(VertexBackend.builder()
                    .googleCredentials(tallyKey).region("us-east5").project("demo-project")
                    .baseUrl(cloud.gw.url() + "/vertex").build()).build();
            try {
                Message created = sdk.messages().create(params("claude-sonnet-4-5@20250929"));
                assertThat(created.id()).isEqualTo("msg_vrtx_01Raw");
                assertThat(created.content().get(0).asText().text()).isEqualTo("hi");
                assertThat(streamed(sdk, "claude-sonnet-4-5@20250929").usage().outputTokens()).isEqualTo(7);
            } finally {
                sdk.close();
            }
            String models = "/v1/projects/demo-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929";
            assertThat(cloud.vertex.seen).extracting(FakeVertex.Seen::path)
                    .containsExactly(models + ":rawPredict", models + ":streamRawPredict");
            assertThat(cloud.vertex.seen).allSatisfy(s ->
                    assertThat(s.headers().get("authorization")).isEqualTo("Bearer " + FakeVertex.TOKEN));
            assertBilledToAlice(cloud.gw);
        }
    }

    static MessageCreateParams params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("say hi").build();
    }

    /** The message the SDK assembles from the relayed stream's events. */
    static Message streamed(AnthropicClient sdk, String model) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = sdk.messages().createStreaming(params(model))) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.message();
    }

    static void assertBilledToAlice(GatewayHarness gw) {
        List<GatewayHarness.Rec> recs = gw.awaitRecords(2);
        assertThat(recs).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.tokens()).isEqualTo(SAY_HI);
            assertThat(new People(gw.store).resolve(r.identity())).isEqualTo("alice");
        });
    }
}
