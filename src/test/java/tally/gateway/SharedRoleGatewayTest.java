package tally.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Progress;
import tally.importers.bedrock.BedrockImporter;
import tally.pricing.PriceCatalog;
import tally.store.Dimension;
import tally.store.ImportOffsets;
import tally.store.TestStores;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeds' central Bedrock problem: a team shares one IAM role, so Bedrock's invocation logs name
 * only the role's session. Through the gateway each call is recorded for the developer whose Tally key
 * made it, under Bedrock's own request id; the invocation logs of the same calls, imported later, are
 * the same requests and count once — and the per-developer report splits by developer.
 */
class SharedRoleGatewayTest {
    static final String SHARED_ROLE = "arn:aws:sts::123456789012:assumed-role/SharedDev/ci-runner";

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void invocation_logs_of_a_shared_role_and_gateway_records_for_two_developers_count_each_call_once_per_developer(
            TestStores.Kind kind) throws Exception {
        try (BedrockGatewayTest.Cloud cloud = new BedrockGatewayTest.Cloud(kind, dir)) {
            String alice = cloud.gw.key("alice");
            String bob = cloud.gw.key("bob");
            for (String key : List.of(alice, alice, bob)) {
                cloud.bedrock.stream = BedrockGatewayTest.bytes("say-hi.eventstream.bin");
                HttpResponse<byte[]> r = Http.send("POST", cloud.base() + BedrockGatewayTest.streamUri(BedrockGatewayTest.SONNET),
                        BedrockGatewayTest.bearer(key), BedrockGatewayTest.SMALL_BODY);
                assertThat(r.statusCode()).isEqualTo(200);
            }
            cloud.gw.awaitRecords(3);

            // The same three calls as Bedrock logged them: one role session for everyone.
            StringBuilder logs = new StringBuilder();
            Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (FakeBedrock.Seen call : cloud.bedrock.seen) logs.append(invocation(call.requestId(), at)).append('\n');
            Path file = Files.writeString(dir.resolve("invocations.jsonl"), logs);
            new BedrockImporter(new ImportOffsets(cloud.gw.store), cloud.gw.writer, PriceCatalog.bundled())
                    .run(List.of(file), Progress.none());
            assertThat(cloud.gw.writer.flush(Duration.ofSeconds(20))).isTrue();

            UsageQuery all = UsageQuery.of(at.minus(1, ChronoUnit.DAYS), at.plus(1, ChronoUnit.DAYS), Dimension.USER, ZoneOffset.UTC);
            assertThat(cloud.gw.ledger.usage(all)).as("one row per developer, none for the role's session")
                    .extracting(UsageRow::key, UsageRow::requests)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("alice", 2L),
                            org.assertj.core.groups.Tuple.tuple("bob", 1L));
            assertThat(cloud.gw.ledger.usage(all.withBy(Dimension.SOURCE))).as("the gateway's copy wins over the log's")
                    .singleElement().satisfies(r -> {
                        assertThat(r.key()).isEqualTo("gateway");
                        assertThat(r.requests()).isEqualTo(3);
                        assertThat(r.costNanos()).isEqualTo(3 * 10_345_500L); // say hi at the us. profile's price, three times
                    });
        }
    }

    /** Bedrock's invocation log of one say-hi call (25 in, 7 out, 12,000 cache read, 1,500 cache write). */
    private static ObjectNode invocation(String requestId, Instant at) {
        ObjectNode r = FakeAnthropic.JSON.createObjectNode();
        r.put("schemaType", "ModelInvocationLog").put("schemaVersion", "1.0").put("timestamp", at.toString())
                .put("accountId", "123456789012").put("region", FakeBedrock.REGION).put("requestId", requestId)
                .put("operation", "InvokeModelWithResponseStream").put("modelId", BedrockGatewayTest.SONNET);
        r.putObject("identity").put("arn", SHARED_ROLE);
        r.putObject("input").put("inputContentType", "application/json").put("inputTokenCount", 25)
                .put("cacheReadInputTokenCount", 12_000).put("cacheWriteInputTokenCount", 1_500);
        r.putObject("output").put("outputContentType", "application/json").put("outputTokenCount", 7);
        return r;
    }
}
