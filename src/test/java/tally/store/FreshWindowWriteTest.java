package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import's batches skip the dedupe probes where nothing stored can collide with them
 * ({@link FreshWindowWrite}), and the ledger and every rollup come out exactly as the probing path
 * leaves them; where something stored can collide, the probing path runs.
 */
class FreshWindowWriteTest {
    private static final List<String> TABLES = List.of("usage_events", "usage_rollup", "usage_rollup_daily",
            "usage_rollup_hourly", Rollups.HOURLY_WHO, Rollups.DAILY_WHO);
    private static final Instant DAY = Instant.parse("2026-11-02T00:00:00Z");
    private static final int BATCH = 5_000; // past EnumStaging.MIN_BATCH, as an import's batches are

    @TempDir Path dir;

    private static UsageEvent transcript(String id, String requestId, Instant at) {
        return Events.event(id, at.toString(), "dev" + (id.hashCode() & 3)).source(Source.TRANSCRIPT)
                .requestId(requestId).sessionId("session-" + (id.hashCode() & 7)).project("/home/dev/app" + (id.hashCode() & 1))
                .build();
    }

    /**
     * Three batches as an import's time-sorted runs make them: each spans most of the day, so every
     * window overlaps the ones before. Copies of one response across batches (the same id, or the
     * same request id under another id), within a batch, and records from before the retention horizon.
     */
    private static List<List<UsageEvent>> importRuns() {
        List<List<UsageEvent>> runs = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            List<UsageEvent> run = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                String n = b + "-" + i;
                run.add(transcript("cc:" + n, "req-" + n, DAY.plusSeconds(i * 16L + b * 7L)));
            }
            runs.add(run);
        }
        runs.get(1).add(transcript("cc:0-10", "req-0-10", DAY.plusSeconds(160))); // batch 0's record again
        runs.get(2).add(transcript("cc:fork-0-20", "req-0-20", DAY.plusSeconds(320))); // batch 0's request, another id
        runs.get(2).add(transcript("cc:1-30", "req-1-30", DAY.plusSeconds(30 * 16 + 7))); // batch 1's record again
        runs.get(2).add(transcript("cc:2-40", "req-2-40", DAY.plusSeconds(40 * 16 + 14))); // within the batch
        runs.get(1).add(transcript("cc:old", "req-old", DAY.minusSeconds(3_600))); // before the horizon
        return runs;
    }

    private record Outcome(List<WriteResult> results, long shortcuts, Map<String, List<String>> tables) {}

    private Outcome importInto(TestStores.Kind kind, String name, boolean shortcuts, long commitEvery) throws SQLException {
        try (Store store = Store.open(TestStores.config(kind, dir.resolve(name)))) {
            Ledger ledger = new Ledger(store);
            ledger.prune(DAY.minusSeconds(60), false); // the horizon
            List<WriteResult> results = new ArrayList<>();
            long shortcut;
            try (BulkWrite bulk = new BulkWrite(store, new LedgerWriter(store), commitEvery, shortcuts)) {
                for (List<UsageEvent> run : importRuns()) results.add(bulk.write(run, null));
                bulk.commit();
                shortcut = bulk.shortcutBatches();
            }
            return new Outcome(results, shortcut, dump(store));
        }
    }

    /** Every row of the ledger and of each rollup, as text, sorted. */
    private static Map<String, List<String>> dump(Store store) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = store.connection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= n; i++) row.append(rs.getString(i)).append('|');
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                out.put(table, rows);
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aFreshImportSkipsTheProbesAndLeavesTheLedgerAndEveryRollupAsTheProbesDo(TestStores.Kind kind) throws SQLException {
        Outcome probed = importInto(kind, "probed", false, BulkWrite.COMMIT_EVERY);
        Outcome shortcut = importInto(kind, "shortcut", true, BulkWrite.COMMIT_EVERY);

        assertThat(shortcut.shortcuts()).as("batches that skipped the probes")
                .isEqualTo(kind == TestStores.Kind.DUCKDB ? 3 : 0); // PostgreSQL commits each batch: always probed
        assertThat(probed.results()).extracting(WriteResult::added).containsExactly(5_000L, 5_000L, 5_000L);
        assertThat(probed.results()).extracting(WriteResult::duplicates).containsExactly(0L, 2L, 3L);
        assertThat(shortcut.results()).isEqualTo(probed.results());
        assertSameTables(shortcut, probed);
    }

    private static void assertSameTables(Outcome actual, Outcome expected) {
        for (String table : TABLES) {
            assertThat(actual.tables().get(table)).as(table).isNotEmpty().isEqualTo(expected.tables().get(table));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aCommitMidwayFoldsWhatWasWrittenAndTheBatchesAfterItAreProbed(TestStores.Kind kind) throws SQLException {
        Outcome probed = importInto(kind, "probed", false, BulkWrite.COMMIT_EVERY);
        Outcome shortcut = importInto(kind, "shortcut", true, 2 * BATCH); // commits after the second batch

        assertThat(shortcut.shortcuts()).isEqualTo(kind == TestStores.Kind.DUCKDB ? 2 : 0);
        assertThat(shortcut.results()).isEqualTo(probed.results());
        assertSameTables(shortcut, probed);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void besideStoredGatewayAndTelemetryRecordsOfTheSameRequestsTheProbesRun(TestStores.Kind kind) throws SQLException {
        Instant at = DAY.plusSeconds(36_000);
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            // outside the batch's own span, inside the request-id margin around it
            ledger.write(List.of(
                    Events.event("gw-1", at.minusSeconds(5_400).toString(), "dev0").source(Source.GATEWAY)
                            .requestId("req-a").build(),
                    Events.event("metric-1", at.plusSeconds(5_400 + 60).toString(), "dev0").source(Source.OTEL_METRIC)
                            .requestId("req-b").build()));
            List<UsageEvent> batch = new ArrayList<>();
            batch.add(transcript("cc:a", "req-a", at)); // the gateway's request: the gateway's record stands
            batch.add(transcript("cc:b", "req-b", at.plusSeconds(60))); // the metric's request: the transcript wins
            for (int i = 0; i < BATCH; i++) batch.add(transcript("cc:n-" + i, "req-n-" + i, at.plusSeconds(i)));

            WriteResult r;
            try (BulkWrite bulk = ledger.bulk()) {
                r = bulk.write(batch, null);
                bulk.commit();
                assertThat(bulk.shortcutBatches()).isZero();
            }
            assertThat(r.added()).isEqualTo(BATCH + 1);
            assertThat(r.duplicates()).isEqualTo(1);
            assertThat(r.superseded()).isEqualTo(1);
            Map<String, Long> ids = ledger.idCounts();
            assertThat(ids).containsKeys("gw-1", "cc:b").doesNotContainKeys("cc:a", "metric-1");
            assertThat(ledger.countRecords()).isEqualTo(BATCH + 2);
            assertThat(ledger.totals(UsageQuery.of(DAY, DAY.plusSeconds(86_400), Dimension.USER, java.time.ZoneOffset.UTC))
                    .requests()).as("the rollups hold what the ledger holds").isEqualTo(BATCH + 2);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anImportReadAgainStoresNothingTwice(TestStores.Kind kind) throws SQLException {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            for (int pass = 0; pass < 2; pass++) {
                long added = 0;
                try (BulkWrite bulk = ledger.bulk()) {
                    for (List<UsageEvent> run : importRuns()) added += bulk.write(run, null).added();
                    bulk.commit();
                    assertThat(bulk.shortcutBatches()).as("pass " + pass)
                            .isEqualTo(pass == 0 && kind == TestStores.Kind.DUCKDB ? 3 : 0);
                }
                assertThat(added).as("pass " + pass).isEqualTo(pass == 0 ? 3 * BATCH + 1 : 0); // + the early one: no horizon
            }
            assertThat(ledger.idCounts().values()).allMatch(n -> n == 1);
            assertThat(ledger.countRecords()).isEqualTo(3 * BATCH + 1);
        }
    }
}
