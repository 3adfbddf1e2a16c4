package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** An import's batches: kept together on DuckDB until a commit (or enough of them), one by one on PostgreSQL. */
class BulkWriteTest {
    @TempDir Path dir;

    private static List<UsageEvent> batch(int from, int count) {
        List<UsageEvent> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(Events.priced("b-" + i, "2026-11-02T10:00:00Z", "dev" + (i % 3), 1_000));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void batchesBecomeVisibleTogetherAtACommitOrOnceEnoughAreWritten(TestStores.Kind kind) {
        boolean together = kind == TestStores.Kind.DUCKDB;
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            try (BulkWrite bulk = new BulkWrite(store, new LedgerWriter(store), 250)) {
                assertThat(bulk.write(batch(0, 100), null).added()).isEqualTo(100);
                bulk.write(batch(100, 100), null);
                assertThat(ledger.countRecords()).isEqualTo(together ? 0 : 200);
                bulk.write(batch(200, 100), null); // 300 written: past 250, committed
                assertThat(ledger.countRecords()).isEqualTo(300);
                assertThat(bulk.write(batch(250, 100), null).duplicates()).as("the committed ones are known").isEqualTo(50);
                assertThat(ledger.countRecords()).isEqualTo(together ? 300 : 350);
                bulk.commit();
                assertThat(ledger.countRecords()).isEqualTo(350);
                bulk.write(batch(350, 10), null);
            } // closed without a commit: on DuckDB, the last batch is dropped (its input is read again)
            assertThat(ledger.countRecords()).isEqualTo(together ? 350 : 360);
            assertThat(ledger.usage(UsageQuery.of(java.time.Instant.parse("2026-11-02T00:00:00Z"),
                    java.time.Instant.parse("2026-11-03T00:00:00Z"), Dimension.USER, java.time.ZoneOffset.UTC)))
                    .as("the rollups hold what the ledger holds").extracting(UsageRow::requests)
                    .containsExactlyInAnyOrder(together ? new Long[] {117L, 117L, 116L} : new Long[] {120L, 120L, 120L});
        }
    }

    /**
     * Batches of copies: the same response again (a fork), a fuller copy of it, another person's copy
     * of its request, a later line of it, records without a request id; every third batch the
     * gateway's copies, stamped a little apart. Spread over three days.
     */
    private static List<List<UsageEvent>> copiesInBatches(long seed, int batches, int size) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<UsageEvent> seen = new ArrayList<>();
        List<List<UsageEvent>> out = new ArrayList<>();
        long start = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
        for (int b = 0; b < batches; b++) {
            Source source = b % 3 == 2 ? Source.GATEWAY : Source.TRANSCRIPT;
            List<UsageEvent> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                UsageEvent e = seen.isEmpty() || rnd.nextInt(10) < 6 ? fresh(rnd, b * size + i, start, source)
                        : copy(rnd, seen.get(rnd.nextInt(seen.size())), source);
                seen.add(e);
                batch.add(e);
            }
            out.add(batch);
        }
        return out;
    }

    private static UsageEvent fresh(SplittableRandom rnd, int n, long start, Source source) {
        boolean withRequest = rnd.nextInt(5) > 0;
        return UsageEvent.builder().id(withRequest ? "cc:msg_" + n + ":req_" + n : "cc:uuid:" + n)
                .time(Instant.ofEpochMilli(start + rnd.nextLong(3 * 86_400_000L))).source(source)
                .identity("dev" + rnd.nextInt(3)).sessionId("s" + rnd.nextInt(20)).requestId(withRequest ? "req_" + n : null)
                .modelId("claude-sonnet-4-5-20250929").tokens(TokenCounts.of(1 + rnd.nextInt(100), 1 + rnd.nextInt(100)))
                .cost(1_000L + rnd.nextInt(1_000), "test").build();
    }

    private static UsageEvent copy(SplittableRandom rnd, UsageEvent of, Source source) {
        UsageEvent.Builder b = UsageEvent.builder().id(of.id()).time(of.time()).source(source).identity(of.identity())
                .sessionId(of.sessionId()).requestId(of.requestId()).modelId(of.modelId()).tokens(of.tokens())
                .cost(of.costNanos(), "test");
        if (source == Source.GATEWAY) return b.id("gw:" + of.id()).time(of.time().plusSeconds(rnd.nextInt(1_200) - 600)).build();
        switch (rnd.nextInt(4)) {
            case 0 -> b.tokens(TokenCounts.of(of.tokens().input(), of.tokens().output() + 1 + rnd.nextInt(50))); // fuller
            case 1 -> b.id("other:" + of.id()).identity(of.identity() + "x"); // another person naming the same request
            case 2 -> b.id(of.id() + ":next").sessionId("s" + rnd.nextInt(20)); // a later line of the request
            default -> { } // verbatim, as a fork copies it
        }
        return b.build();
    }

    /** The ledger, its rollups and its metered sessions, as text to compare. */
    private static String contents(Store store) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = store.connection(); Statement s = c.createStatement()) {
            for (String sql : List.of("SELECT * EXCLUDE (stored_ms) FROM usage_events ORDER BY id",
                    "SELECT * FROM usage_rollup ORDER BY ALL", "SELECT * EXCLUDE (first_ms) FROM metered_sessions ORDER BY ALL")) {
                try (ResultSet rs = s.executeQuery(sql)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) out.append(rs.getObject(i)).append('|');
                        out.append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    @Test
    void recordsThatSkipTheProbesByKeyLeaveTheLedgerAsProbingEveryRecordDoes() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            List<List<UsageEvent>> batches = copiesInBatches(seed, 6, 400);
            String probed;
            try (Store store = Store.open(TestStores.config(TestStores.Kind.DUCKDB, dir.resolve("probed-" + seed)))) {
                Ledger ledger = new Ledger(store);
                for (List<UsageEvent> batch : batches) ledger.write(batch); // each in a transaction of its own: no keys kept
                probed = contents(store);
            }
            try (Store store = Store.open(TestStores.config(TestStores.Kind.DUCKDB, dir.resolve("bulk-" + seed)));
                 BulkWrite bulk = new BulkWrite(store, new LedgerWriter(store), 1_000)) {
                for (List<UsageEvent> batch : batches) bulk.write(batch, null);
                bulk.commit();
                assertThat(bulk.knowsKeys()).as("the commits left nothing unexpected behind").isTrue();
                assertThat(contents(store)).as("seed " + seed).isEqualTo(probed);
            }
        }
    }

    @Test
    void keysStopGuidingOnceSomethingElseWroteBetweenTransactions() throws Exception {
        try (Store store = Store.open(TestStores.config(TestStores.Kind.DUCKDB, dir));
             BulkWrite bulk = new BulkWrite(store, new LedgerWriter(store), 1_000)) {
            Ledger ledger = new Ledger(store);
            bulk.write(batch(0, 10), null);
            bulk.commit();
            bulk.write(batch(10, 10), null);
            assertThat(bulk.knowsKeys()).isTrue();
            bulk.commit();
            ledger.write(List.of(Events.priced("elsewhere", "2026-11-02T10:00:00Z", "dev9", 1_000)));
            bulk.write(batch(5, 10), null);
            assertThat(bulk.knowsKeys()).as("a record not written through it").isFalse();
            bulk.commit();
            assertThat(ledger.countRecords()).isEqualTo(21);
        }
    }
}
