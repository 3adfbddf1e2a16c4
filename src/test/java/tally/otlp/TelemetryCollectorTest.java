package tally.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Activity;
import tally.core.TokenCounts;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The captured Claude Code exports, fed to the collector: the ledger agrees with every other source. */
class TelemetryCollectorTest {
    static final Path OTLP = tally.Fixtures.CLAUDE_CODE.resolve("otlp");
    /** What the fixtures' README says all sources agree on for the json run. */
    static final TokenCounts JSON_RUN = new TokenCounts(155, 4_940, 0, 63_000, 43);

    @TempDir Path dir;

    record Export(Path file, boolean logs) {}

    static List<Export> exports(String variant) throws Exception {
        try (Stream<Path> files = Files.list(OTLP.resolve(variant))) {
            return files.filter(p -> p.toString().endsWith(".json") && !p.toString().endsWith(".meta.json")
                            || p.toString().endsWith(".pb"))
                    .sorted().map(p -> new Export(p, p.getFileName().toString().contains("logs"))).toList();
        }
    }

    static void feed(TelemetryCollector c, List<Export> exports) throws Exception {
        for (Export e : exports) {
            byte[] body = Files.readAllBytes(e.file());
            String type = e.file().toString().endsWith(".pb") ? "application/x-protobuf" : "application/json";
            if (e.logs()) {
                ExportLogsServiceRequest r = OtlpDecoder.logs(body, type, null);
                c.logs(r, null).join();
            } else {
                ExportMetricsServiceRequest r = OtlpDecoder.metrics(body, type, null);
                c.metrics(r, null).join();
            }
        }
    }

    private record Rig(Store store, IngestWriter writer, Ledger ledger, ActivityLog activity, TelemetryCollector collector)
            implements AutoCloseable {
        UsageRow totals() {
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            collector.flushActivity();
            return ledger.totals(UsageQuery.of(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"),
                    Dimension.USER, ZoneOffset.UTC));
        }

        @Override
        public void close() {
            collector.close();
            writer.close();
            store.close();
        }
    }

    private Rig rig(StoreConfig config) {
        Store store = Store.open(config);
        Ledger ledger = new Ledger(store);
        IngestWriter writer = new IngestWriter(ledger, new Spool(config.spoolDir()), PriceCatalog.bundled()::price,
                new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
        ActivityLog activity = new ActivityLog(store);
        return new Rig(store, writer, ledger, activity, new TelemetryCollector(writer, ledger, activity, "developer.id", "team.id"));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theJsonRunAddsUpToWhatEverySourceAgreesOn(TestStores.Kind kind) throws Exception {
        try (Rig r = rig(TestStores.config(kind, dir))) {
            feed(r.collector(), exports("json"));
            UsageRow t = r.totals();
            assertThat(t.tokens()).isEqualTo(JSON_RUN);
            assertThat(t.costNanos()).isEqualTo(35_095_000L); // $0.035095
            assertThat(t.requests()).isEqualTo(5);
            assertThat(r.ledger().usage(UsageQuery.of(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Dimension.USER, ZoneOffset.UTC)))
                    .extracting(UsageRow::key).containsExactly("alice");

            Map<Activity.Kind, Double> alice = r.activity().totalsByPerson(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).get("alice");
            assertThat(alice.get(Activity.Kind.SESSION)).isEqualTo(3.0);
            assertThat(alice.get(Activity.Kind.LINES_ADDED)).isEqualTo(4.0);
            assertThat(alice.get(Activity.Kind.EDIT_ACCEPTED)).isEqualTo(1.0);
            assertThat(alice.get(Activity.Kind.PROMPT)).isEqualTo(3.0);
        }
    }

    /** A log event of Claude Code's at {@code seconds} past a recent hour, with its attributes (JSON). */
    private static String event(String name, int seconds, String attributes) {
        long nanos = (Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).getEpochSecond() + seconds) * 1_000_000_000L;
        return "{\"timeUnixNano\":\"" + nanos + "\",\"attributes\":[{\"key\":\"event.name\",\"value\":{\"stringValue\":\""
                + name + "\"}},{\"key\":\"session.id\",\"value\":{\"stringValue\":\"retry-sess\"}}," + attributes + "]}";
    }

    private static String attempt(int n) {
        return event("api_error", n, "{\"key\":\"model\",\"value\":{\"stringValue\":\"claude-sonnet-4-5-20250929\"}},"
                + "{\"key\":\"request_id\",\"value\":{\"stringValue\":\"req_err_" + n + "\"}},"
                + "{\"key\":\"status_code\",\"value\":{\"intValue\":\"529\"}},{\"key\":\"attempt\",\"value\":{\"intValue\":\"" + n + "\"}}");
    }

    @Test
    void aRequestThatFailedTwiceAndGaveUpIsTwoFailedAttemptsNotAThirdRequestOfNoModel() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            String body = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"developer.id\",\"value\":{\"stringValue\":\"bob\"}}]},"
                    + "\"scopeLogs\":[{\"logRecords\":[" + attempt(1) + "," + attempt(2) + ","
                    + event("api_retries_exhausted", 3, "{\"key\":\"total_attempts\",\"value\":{\"intValue\":\"2\"}}") + "]}]}]}";
            TelemetryCollector.Outcome o = r.collector().logs(OtlpDecoder.logs(body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "application/json", null), null).join();

            assertThat(o.rejected()).isZero();
            assertThat(o.accepted()).isEqualTo(3);
            UsageRow t = r.totals();
            assertThat(t.requests()).isEqualTo(2);
            assertThat(t.failed()).isEqualTo(2);
            assertThat(r.ledger().usage(UsageQuery.of(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Dimension.MODEL, ZoneOffset.UTC)))
                    .extracting(UsageRow::key).containsExactly("claude-sonnet-4-5-20250929");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void claudeCodesOwnEstimateIsKeptForReconciliationOnceAndNeverAddedToTheLedger(TestStores.Kind kind) throws Exception {
        try (Rig r = rig(TestStores.config(kind, dir))) {
            feed(r.collector(), exports("json")); // events and metrics both carry the estimate
            assertThat(r.totals().costNanos()).isEqualTo(35_095_000L);
            java.time.YearMonth month = java.time.YearMonth.from(Instant.ofEpochSecond(1_795_540_059L).atZone(ZoneOffset.UTC));
            var rec = tally.importers.anthropic.Reconciliation.of(new tally.store.ProviderReports(r.store()), PriceCatalog.bundled(), month);
            assertThat(rec.telemetry()).singleElement().satisfies(d -> {
                assertThat(d.claudeCodeNanos()).isEqualTo(35_095_000L); // cost_usd_micros of the five requests, not doubled by the metric
                assertThat(d.tallyNanos()).isEqualTo(35_095_000L);
                assertThat(d.diffNanos()).isZero();
            });
            String table = tally.cli.ReconcileCommandAccess.table(rec);
            assertThat(table).contains("Claude Code's own estimate").contains("$0.04");
        }
    }

    @Test
    void aMetricsOnlySessionsEstimateComesFromItsCostMetric() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            feed(r.collector(), exports("json-delta-slow").stream().filter(e -> !e.logs()).toList());
            UsageRow t = r.totals();
            String firstDay = r.ledger().usage(UsageQuery.of(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"),
                    Dimension.DAY, ZoneOffset.UTC)).get(0).key();
            java.time.YearMonth month = java.time.YearMonth.parse(firstDay.substring(0, 7));
            var rec = tally.importers.anthropic.Reconciliation.of(new tally.store.ProviderReports(r.store()), PriceCatalog.bundled(), month);
            assertThat(rec.telemetry()).isNotEmpty();
            long estimate = rec.telemetry().stream().mapToLong(d -> d.claudeCodeNanos()).sum();
            long tally = rec.telemetry().stream().mapToLong(d -> d.tallyNanos()).sum();
            assertThat(estimate).isPositive();
            assertThat(tally).isEqualTo(t.costNanos());
        }
    }

    @Test
    void theProtobufRunAddsUpToTheSameTokens() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            feed(r.collector(), exports("protobuf"));
            assertThat(r.totals().tokens()).isEqualTo(JSON_RUN);
        }
    }

    @Test
    void metricsThatArriveBeforeTheirSessionsEventsAreTakenBackSoNothingCountsTwice() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            List<Export> metricsFirst = new ArrayList<>(exports("json"));
            metricsFirst.sort((a, b) -> Boolean.compare(a.logs(), b.logs()));
            feed(r.collector(), metricsFirst.subList(0, 3)); // metrics only: usage from metrics
            assertThat(r.totals().tokens()).isEqualTo(JSON_RUN);
            feed(r.collector(), metricsFirst.subList(3, 6)); // then the events
            assertThat(r.writer().flush(Duration.ofSeconds(10))).isTrue();
            assertThat(r.totals().tokens()).isEqualTo(JSON_RUN);
            assertThat(r.totals().requests()).isEqualTo(5);
        }
    }

    @Test
    void aSessionWithMetricsOnlyIsMeteredFromDeltaMetricsSpreadOverSeveralExports() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            feed(r.collector(), exports("json-delta-slow").stream().filter(e -> !e.logs()).toList());
            assertThat(r.totals().tokens()).isEqualTo(new TokenCounts(65, 1_720, 0, 25_500, 18));
        }
    }

    @Test
    void claudeCodesOneMillionContextSuffixIsTheSameModelAndPriced() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            feed(r.collector(), exports("json").stream().filter(e -> e.file().endsWith("0002-metrics.json")).toList());
            r.totals();
            UsageRow opus = r.ledger().usage(UsageQuery.of(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Dimension.MODEL,
                    ZoneOffset.UTC)).get(0);
            assertThat(opus.key()).isEqualTo("claude-opus-4-8"); // sent as claude-opus-4-8[1m]
            assertThat(opus.costNanos()).isEqualTo(15_675_000L);
            assertThat(opus.unpriced()).isZero();
        }
    }

    @Test
    void resendingTheSameExportsAddsNothing() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            List<Export> all = exports("json");
            feed(r.collector(), all);
            feed(r.collector(), all);
            List<Export> reversed = new ArrayList<>(all);
            Collections.reverse(reversed);
            feed(r.collector(), reversed);
            assertThat(r.totals().tokens()).isEqualTo(JSON_RUN);
            assertThat(r.activity().totalsByPerson(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))
                    .get("alice").get(Activity.Kind.SESSION)).isEqualTo(3.0);
        }
    }

    @Test
    void theActivityReportShowsProductivityAndCostPerLine() throws Exception {
        try (Rig r = rig(StoreConfig.embedded(dir))) {
            feed(r.collector(), exports("json"));
            r.totals();
        }
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = tally.cli.Main.run(new String[] {"activity", "--data", dir.toString(), "--tz", "UTC", "--days", "400",
                "--format", "json"}, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        com.fasterxml.jackson.databind.JsonNode alice = json.at("/rows/0");
        assertThat(alice.get("key").asText()).isEqualTo("alice");
        assertThat(alice.get("sessions").asLong()).isEqualTo(3);
        assertThat(alice.get("lines_added").asLong()).isEqualTo(4);
        assertThat(alice.get("edit_accept_rate").asDouble()).isEqualTo(1.0);
        assertThat(alice.get("cost_usd").asText()).isEqualTo("0.035095");
        assertThat(alice.get("cost_per_1k_lines_usd").asText()).isEqualTo("8.77375"); // $0.035095 per 4 lines
        assertThat(alice.get("cost_per_pr_usd").isNull()).isTrue();
        assertThat(json.get("daily_active_users").size()).isEqualTo(1);
        assertThat(json.at("/daily_active_users/0/users").asInt()).isEqualTo(1);
    }
}
