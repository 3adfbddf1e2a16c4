package tally.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.PayloadPart;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AWS SDK's own Bedrock Runtime clients, pointed at the gateway with a Tally key (the SDK's
 * signing turned off, as Claude Code's CLAUDE_CODE_SKIP_BEDROCK_AUTH does): they parse what the
 * gateway relays — JSON, Converse, and the event stream with its checksums — as if it were Bedrock.
 */
class BedrockSdkClientTest {
    static final String SONNET = BedrockGatewayTest.SONNET;

    @TempDir Path dir;

    /** The SDK's synchronous client pointed at the gateway with a Tally key, its own signing off. */
    private static BedrockRuntimeClient syncClient(BedrockGatewayTest.Cloud cloud, String key) {
        return BedrockRuntimeClient.builder()
                .endpointOverride(URI.create(cloud.base())).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.putHeader("x-api-key", key))
                .build();
    }

    @Test
    void the_sync_client_invokes_and_converses_through_the_gateway_and_each_call_is_recorded() {
        try (BedrockGatewayTest.Cloud cloud = new BedrockGatewayTest.Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            try (BedrockRuntimeClient sdk = syncClient(cloud, key)) {
                InvokeModelResponse invoked = sdk.invokeModel(r -> r.modelId(SONNET).contentType("application/json")
                        .body(SdkBytes.fromUtf8String(BedrockGatewayTest.SMALL_BODY)));
                assertThat(invoked.body().asUtf8String()).contains("\"stop_reason\":\"end_turn\"");
                ConverseResponse conversed = sdk.converse(r -> r.modelId(SONNET).messages(m -> m.role(ConversationRole.USER)
                        .content(ContentBlock.fromText("say hi"))));
                assertThat(conversed.usage().outputTokens()).isEqualTo(7);
            }
            assertThat(cloud.bedrock.seen).extracting(FakeBedrock.Seen::rawPath).containsExactly(
                    "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke",
                    "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse");
            assertThat(cloud.bedrock.seen).allSatisfy(s -> assertThat(s.authProblem()).isNull());
            assertThat(cloud.gw.awaitRecords(2)).extracting(GatewayHarness.Rec::tokens)
                    .containsOnly(new TokenCounts(25, 1500, 0, 12000, 7));
        }
    }

    @Test
    void refusals_the_gateway_makes_itself_reach_the_sdk_as_bedrocks_own_exceptions_with_the_reason() {
        try (BedrockGatewayTest.Cloud cloud = new BedrockGatewayTest.Cloud(TestStores.Kind.DUCKDB, dir)) {
            String haikuOnly = cloud.gw.key("bob", k -> k.models("claude-haiku-4-5"));
            try (BedrockRuntimeClient sdk = syncClient(cloud, haikuOnly)) {
                assertThatThrownBy(() -> sdk.converse(r -> r.modelId(SONNET).messages(m -> m.role(ConversationRole.USER)
                        .content(ContentBlock.fromText("say hi")))))
                        .isInstanceOf(software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException.class)
                        .hasMessageContaining("claude-haiku-4-5");
                assertThatThrownBy(() -> sdk.converse(r -> r.modelId("us.anthropic.claude-haiku-4-5-20251001-v1:0")
                        .messages(m -> m.role(ConversationRole.USER).content(ContentBlock.fromText("say hi")))
                        .inferenceConfig(c -> c.maxTokens(2_000_000_000))))
                        .isInstanceOf(software.amazon.awssdk.services.bedrockruntime.model.ValidationException.class)
                        .hasMessageContaining("maxTokens");
            }
            assertThat(cloud.bedrock.seen).isEmpty();
        }
    }

    @Test
    void the_async_client_reads_the_relayed_event_stream_and_the_usage_is_recorded() throws Exception {
        try (BedrockGatewayTest.Cloud cloud = new BedrockGatewayTest.Cloud(TestStores.Kind.DUCKDB, dir)) {
            String key = cloud.gw.key("alice");
            List<String> events = new CopyOnWriteArrayList<>();
            try (BedrockRuntimeAsyncClient sdk = BedrockRuntimeAsyncClient.builder()
                    .endpointOverride(URI.create(cloud.base())).region(Region.US_EAST_1)
                    .credentialsProvider(AnonymousCredentialsProvider.create())
                    .overrideConfiguration(o -> o.putHeader("x-api-key", key))
                    .build()) {
                InvokeModelWithResponseStreamRequest req = InvokeModelWithResponseStreamRequest.builder().modelId(SONNET)
                        .contentType("application/json").body(SdkBytes.fromUtf8String(BedrockGatewayTest.SMALL_BODY)).build();
                sdk.invokeModelWithResponseStream(req, InvokeModelWithResponseStreamResponseHandler.builder()
                        .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                                .onChunk((PayloadPart p) -> events.add(p.bytes().asUtf8String())).build())
                        .build()).get(20, TimeUnit.SECONDS);
            }
            assertThat(events).first().asString().contains("\"type\":\"message_start\"");
            assertThat(events).last().asString().contains("amazon-bedrock-invocationMetrics");
            assertThat(cloud.gw.awaitRecords(1).get(0).tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 7));
        }
    }
}
