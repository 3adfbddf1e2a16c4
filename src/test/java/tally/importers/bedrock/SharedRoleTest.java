package tally.importers.bedrock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.Fixtures;
import tally.importers.Progress;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.otlp.OtlpDecoder;
import tally.otlp.TelemetryCollector;
import tally.pricing.PriceCatalog;
import tally.store.ActivityLog;
import tally.store.Dimension;
import tally.store.ImportOffsets;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.TestStores;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several developers behind one IAM role: Bedrock's invocation logs name the role's session, Claude
 * Code's telemetry names the developer. The same call reported by both is stored once (the log), and
 * attributed to the developer the telemetry names.
 */
class SharedRoleTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SHARED_ROLE = "arn:aws:sts::123456789012:assumed-role/SharedDev/ci-runner";
    /** The read-tool run's two calls, as Claude Code's api_request events (otlp/json/0003-logs.json) report them. */
    static final Instant CALL_1 = Instant.parse("2026-11-24T17:07:40.199Z");
    static final Instant CALL_2 = Instant.parse("2026-11-24T17:07:40.258Z");

    @TempDir Path dir;

    /** The invocation log of one of those calls, stamped two seconds before the telemetry (Bedrock mode: no request-id header). */
    static ObjectNode invocation(String requestId, Instant telemetryAt, long in, long out, long cacheRead, long cacheWrite) {
        ObjectNode r = JSON.createObjectNode();
        r.put("schemaType", "ModelInvocationLog").put("schemaVersion", "1.0").put("timestamp", telemetryAt.minusSeconds(2).toString())
                .put("accountId", "123456789012").put("region", "us-east-1").put("requestId", requestId)
                .put("operation", "InvokeModelWithResponseStream").put("modelId", "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        r.putObject("identity").put("arn", SHARED_ROLE);
        r.putObject("input").put("inputContentType", "application/json").put("inputTokenCount", in)
                .put("cacheReadInputTokenCount", cacheRead).put("cacheWriteInputTokenCount", cacheWrite);
        r.putObject("output").put("outputContentType", "application/json").put("outputTokenCount", out);
        return r;
    }

    private static void importLogs(Store store, IngestWriter writer, Path file, ObjectNode... records) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (ObjectNode r : records) lines.append(r).append('\n');
        Files.writeString(file, lines);
        new BedrockImporter(new ImportOffsets(store), writer, PriceCatalog.bundled()).run(List.of(file), Progress.none());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void shared_role_records_are_attributed_to_the_developer_whose_telemetry_reports_the_same_call(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store store = Store.open(config)) {
            Ledger ledger = new Ledger(store);
            IngestWriter writer = new IngestWriter(ledger, new Spool(config.spoolDir()), PriceCatalog.bundled()::price,
                    new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
            TelemetryCollector collector = new TelemetryCollector(writer, ledger, new ActivityLog(store), "developer.id", "team.id");
            try {
                // The first call's log is imported before the telemetry arrives, the second's after.
                importLogs(store, writer, dir.resolve("first.jsonl"), invocation("br-1", CALL_1, 25, 7, 12_000, 1_500));
                byte[] otlp = Files.readAllBytes(Fixtures.CLAUDE_CODE.resolve("otlp/json/0003-logs.json"));
                collector.logs(OtlpDecoder.logs(otlp, "application/json", null), null).join();
                assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
                importLogs(store, writer, dir.resolve("second.jsonl"), invocation("br-2", CALL_2, 40, 11, 13_500, 220));
            } finally {
                collector.close();
                writer.close();
            }

            UsageQuery all = UsageQuery.of(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
                    Dimension.USER, ZoneOffset.UTC);
            assertThat(ledger.usage(all)).as("each call once, attributed to alice rather than the role's session")
                    .singleElement().satisfies(r -> {
                        assertThat(r.key()).isEqualTo("alice");
                        assertThat(r.requests()).isEqualTo(2);
                        // the read-tool run's $0.014565 at the us. geo profile's 10% premium, as the log prices it; not twice
                        assertThat(r.costNanos()).isEqualTo(16_021_500L);
                    });
            assertThat(ledger.usage(all.withBy(Dimension.SOURCE))).extracting(UsageRow::key).containsExactly("provider-log");
            assertThat(ledger.usage(all.withBy(Dimension.TEAM))).extracting(UsageRow::key).containsExactly("platform");
        }
    }
}
