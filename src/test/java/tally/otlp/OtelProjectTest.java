package tally.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.store.ActivityLog;
import tally.store.Dimension;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Claude Code's telemetry names its project by a resource attribute (OTEL_RESOURCE_ATTRIBUTES=project=…). */
class OtelProjectTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    /** The captured json run, with one more resource attribute on every export. */
    private List<TelemetryCollectorTest.Export> withResourceAttribute(String key, String value) throws Exception {
        List<TelemetryCollectorTest.Export> out = new ArrayList<>();
        Path copies = Files.createDirectories(dir.resolve("copies"));
        for (TelemetryCollectorTest.Export e : TelemetryCollectorTest.exports("json")) {
            JsonNode doc = JSON.readTree(e.file().toFile());
            for (JsonNode r : doc.get(e.logs() ? "resourceLogs" : "resourceMetrics")) {
                ObjectNode attr = ((ArrayNode) r.get("resource").get("attributes")).addObject().put("key", key);
                attr.putObject("value").put("stringValue", value);
            }
            Path copy = copies.resolve(e.file().getFileName());
            JSON.writeValue(copy.toFile(), doc);
            out.add(new TelemetryCollectorTest.Export(copy, e.logs()));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theConfiguredResourceAttributeNamesEveryRecordsProject(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store store = Store.open(config)) {
            Ledger ledger = new Ledger(store);
            IngestWriter writer = new IngestWriter(ledger, new Spool(config.spoolDir()), PriceCatalog.bundled()::price,
                    new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
            ActivityLog activity = new ActivityLog(store);
            TelemetryCollector collector = new TelemetryCollector(writer, ledger, activity, "developer.id", "team.id", "app.project");
            try {
                TelemetryCollectorTest.feed(collector, withResourceAttribute("app.project", "shop"));
                assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            } finally {
                collector.close();
                writer.close();
            }
            List<UsageRow> rows = ledger.usage(UsageQuery.of(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"),
                    Dimension.PROJECT, ZoneOffset.UTC));
            assertThat(rows).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("shop");
                assertThat(r.tokens()).isEqualTo(TelemetryCollectorTest.JSON_RUN);
            });
        }
    }
}
