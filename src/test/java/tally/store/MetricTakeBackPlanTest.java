package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Source;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * How PostgreSQL finds the stored metric records a write takes back: every write that marks sessions
 * metered asks for them over its window plus two hours each side. Read through the time index, that
 * is every record of the window (seconds a write at a fleet's thousand records a second); through the
 * metric records' own index, only those few.
 */
class MetricTakeBackPlanTest {
    @TempDir Path dir;

    @Test
    void theMetricRecordsOfAWindowAreReadThroughTheirOwnIndexNotEveryRecordOfIt() throws Exception {
        try (Store store = Store.open(TestStores.config(TestStores.Kind.POSTGRESQL, dir))) {
            Instant start = Instant.parse("2026-03-02T08:00:00Z");
            List<UsageEvent> records = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) { // four hours of a busy gateway
                records.add(event("g" + i, start.plusMillis(i * 2_880L).toString(), "dev" + (i % 50))
                        .source(Source.GATEWAY).sessionId("s" + (i % 400)).requestId("req_" + i).build());
            }
            for (int i = 0; i < 3; i++) {
                records.add(event("m" + i, start.plusSeconds(3_600L * i).toString(), "dev1")
                        .source(Source.OTEL_METRIC).sessionId("other" + i).build());
            }
            new Ledger(store).write(records);
            try (Connection c = store.connection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE usage_events");
                }
                long from = start.toEpochMilli();
                long to = start.plusSeconds(4 * 3_600).toEpochMilli();
                String plan = plan(c, MeteredSessions.markedMetricRecords(false), from, to);
                assertThat(plan).contains("usage_events_metric_ts").doesNotContain("Seq Scan on usage_events")
                        .doesNotContain("usage_events_ts ");
            }
        }
    }

    private static String plan(Connection c, String sql, long from, long to) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.append(rs.getString(1)).append('\n');
            }
            return out.toString();
        }
    }
}
