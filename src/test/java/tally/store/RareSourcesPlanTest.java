package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Source;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * How PostgreSQL finds the stored records of the rare sources a write looks for around its batch: the
 * metric records of the sessions it marks metered (its window plus two hours each side), and a
 * provider's log records of the calls a telemetry batch reports (fifteen minutes each side). Read
 * through the time index, that is every record of the window (seconds a write at a fleet's thousand
 * records a second); through the rare sources' own index, only those few.
 */
class RareSourcesPlanTest {
    @TempDir Path dir;

    private final Instant start = Instant.parse("2026-03-02T08:00:00Z");
    private final long from = start.toEpochMilli();
    private final long to = start.plusSeconds(4 * 3_600).toEpochMilli();

    @Test
    void theMetricRecordsOfAWindowAreReadThroughTheirOwnIndexNotEveryRecordOfIt() throws Exception {
        try (Store store = busyGateway()) {
            try (Connection c = store.connection()) {
                assertThat(Plans.explain(c, MeteredSessions.markedMetricRecords(false), List.of(from, to))).contains("usage_events_rare_sources")
                        .doesNotContain("Seq Scan on usage_events").doesNotContain("usage_events_ts ");
            }
        }
    }

    @Test
    void theStoredLogRecordsATelemetryBatchMayMeetAreReadThroughTheirOwnIndex() throws Exception {
        try (Store store = busyGateway()) {
            try (Connection c = store.connection()) {
                c.setAutoCommit(false);
                store.dialect().prepareStaging(c);
                List<UsageEvent> telemetry = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    telemetry.add(event("t" + i, start.plusSeconds(3_600 + i).toString(), "dev" + (i % 50))
                            .source(Source.OTEL_EVENT).sessionId("s" + i).build());
                }
                store.dialect().stage(c, telemetry);
                String sql = SameCall.pairsSql("usage_staging", Source.OTEL_EVENT, "usage_events", Source.PROVIDER_LOG);
                assertThat(Plans.explain(c, sql, List.of(from, to, SameCall.WINDOW_MS))).contains("usage_events_rare_sources")
                        .doesNotContain("Seq Scan on usage_events").doesNotContain("usage_events_ts ");
                c.rollback();
            }
        }
    }

    /** Four hours of a busy gateway, and a few metric and provider log records among them, analyzed. */
    private Store busyGateway() throws Exception {
        Store store = Store.open(TestStores.config(TestStores.Kind.POSTGRESQL, dir));
        try {
            List<UsageEvent> records = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) { // four hours of a busy gateway
                records.add(event("g" + i, start.plusMillis(i * 2_880L).toString(), "dev" + (i % 50))
                        .source(Source.GATEWAY).sessionId("s" + (i % 400)).requestId("req_" + i).build());
            }
            for (int i = 0; i < 3; i++) {
                records.add(event("m" + i, start.plusSeconds(3_600L * i).toString(), "dev1")
                        .source(Source.OTEL_METRIC).sessionId("other" + i).build());
                records.add(event("p" + i, start.plusSeconds(3_600L * i + 60).toString(), "role/shared")
                        .source(Source.PROVIDER_LOG).requestId("aws-" + i).build());
            }
            new Ledger(store).write(records);
            try (Connection c = store.connection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE usage_events");
            }
            return store;
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }
}
