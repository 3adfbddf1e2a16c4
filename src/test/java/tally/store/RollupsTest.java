package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * Folding records into the rollups: one statement per rollup (a store write's fixed cost is its
 * statements), and every rollup equal to the ledger summed at its grain after writes that meet
 * existing rows and make new ones, and after records are taken out.
 */
class RollupsTest {
    private static final Instant START = Instant.parse("2026-03-30T22:10:00Z");
    private static final String[] MODELS = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101"};

    /** Each rollup, its bucket and whether it keeps who (identity, team) and what (model, source, project, region). */
    private record Grain(String table, long bucketMs, boolean who, boolean what) {}

    private static final List<Grain> ROLLUPS = List.of(
            new Grain("usage_rollup", Ledger.BUCKET_MS, true, true),
            new Grain("usage_rollup_daily", Ledger.DAY_MS, true, true),
            new Grain(Rollups.HOURLY, Ledger.HOUR_MS, false, true),
            new Grain(Rollups.HOURLY_WHO, Ledger.HOUR_MS, true, false),
            new Grain(Rollups.DAILY_WHO, Ledger.DAY_MS, true, false));

    @TempDir Path dir;

    /** Every 11 minutes across midnight: three developers, two models and sources, some team, project and region tags, some unpriced or failed, every token count and web searches. */
    private static List<UsageEvent> records(String prefix, int from, int count) {
        List<UsageEvent> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(event(prefix + i, START.plus(11L * i, ChronoUnit.MINUTES).toString(), "dev" + (i % 3))
                    .modelId(MODELS[i % 2]).model(MODELS[i % 2]).source(i % 4 == 0 ? Source.GATEWAY : Source.MANUAL)
                    .team(i % 5 == 1 ? "platform" : null).project(i % 7 == 2 ? "/src/api" : null)
                    .region(i % 3 == 0 ? "eu-west-1" : null).status(i % 9 == 4 ? 500 : 200)
                    .tokens(new TokenCounts(100 + i, i % 4, i % 5 * 2, i * 3L, 10 + i)).webSearches(i % 3)
                    .cost(i % 8 == 3 ? null : 1_000L + 13L * i, "v1").build());
        }
        return out;
    }

    /** The statement forgetting the kept top days of the records' days: the embedded store's alone ({@link TopDays}). */
    private static int topDaysForgotten(TestStores.Kind kind) {
        return kind == TestStores.Kind.DUCKDB ? 1 : 0;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aWriteFoldsIntoEveryRollupWithOneStatementEach(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            new Ledger(store).write(records("a-", 0, 120)); // the rows the next write meets
            List<UsageEvent> next = records("b-", 60, 200); // half over the same buckets and keys, half later
            AtomicInteger statements = new AtomicInteger();
            store.inTransaction(c -> {
                store.dialect().prepareStaging(c);
                store.dialect().load(c, "usage_staging", next);
                Jdbc.update(c, "INSERT INTO usage_events (" + StagingColumns.LIST + ") SELECT " + StagingColumns.LIST + " FROM usage_staging");
                Rollups.add(counting(c, statements), "usage_staging", new Where(), 1, store.localDays());
                return null;
            });

            // the delta (emptied, filled, its range read), then one per rollup, and on DuckDB its days' kept tops forgotten
            assertThat(statements.get()).isEqualTo(3 + ROLLUPS.size() + topDaysForgotten(kind));
            assertEveryRollupEqualsTheLedger(store);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void takingRecordsOutFoldsThemOutOfEveryRollupWithOneStatementEach(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(records("a-", 0, 150));
            ledger.write(records("b-", 100, 150));
            AtomicInteger statements = new AtomicInteger();
            long removed = store.inTransaction(c -> {
                store.dialect().prepareStaging(c);
                return LedgerWriter.remove(counting(c, statements), new Where().and("identity = ?", "dev1")
                        .and("ts_ms < ?", START.plus(1, ChronoUnit.DAYS).toEpochMilli()), store.localDays());
            });

            assertThat(removed).isPositive();
            // the delta's three, one per rollup (and the kept tops forgotten), then the records' DELETE
            assertThat(statements.get()).isEqualTo(3 + ROLLUPS.size() + topDaysForgotten(kind) + 1);
            assertEveryRollupEqualsTheLedger(store);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void batchesStoredWholeOrInPartFoldEqualToTheLedger(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            assertThat(ledger.write(records("a-", 0, 150)).added()).isEqualTo(150); // fresh: stored whole
            assertThat(ledger.write(records("b-", 100, 150)).added()).isEqualTo(150); // meets rows, makes new ones
            List<UsageEvent> mixed = new ArrayList<>(records("a-", 140, 20)); // ten stored already, ten new
            mixed.addAll(records("c-", 200, 30));
            WriteResult r = ledger.write(mixed);
            assertThat(r.added()).isEqualTo(40);
            assertThat(r.duplicates()).isEqualTo(10);
            assertEveryRollupEqualsTheLedger(store);
        }
    }

    private static void assertEveryRollupEqualsTheLedger(Store store) throws Exception {
        for (Grain g : ROLLUPS) {
            TreeSet<String> ledger = rows(store, ledgerAt(g));
            assertThat(ledger).as("ledger at the grain of %s", g.table()).hasSizeGreaterThan(5);
            // rows whose records were all taken out stay, summing to zero
            assertThat(rows(store, "SELECT bucket_ms, identity, team, model, source, project, region, " + String.join(", ", Rollups.SUMS)
                    + " FROM " + g.table() + " WHERE requests <> 0"))
                    .as(g.table()).isEqualTo(ledger);
        }
    }

    /** The ledger summed per a rollup's bucket and keys. */
    private static String ledgerAt(Grain g) {
        String bucket = "ts_ms - (ts_ms % " + g.bucketMs() + ")";
        String who = g.who() ? "identity, coalesce(team, '')" : "'', ''";
        String what = g.what() ? "model, source, coalesce(project, ''), coalesce(region, '')" : "'', '', '', ''";
        return "SELECT " + bucket + ", " + who + ", " + what + ", count(*), sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END),"
                + " sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),"
                + " sum(output_tokens), sum(web_searches), coalesce(sum(cost_nanos), 0), sum(CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END)"
                + " FROM usage_events GROUP BY " + bucket + (g.who() ? ", " + who : "") + (g.what() ? ", " + what : "");
    }

    /** Every row as text, numbers as integers whatever their SQL type. */
    private static TreeSet<String> rows(Store store, String sql) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        try (Connection c = store.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.append(v instanceof Number ? new BigDecimal(v.toString()).toBigIntegerExact() : v).append('|');
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    /** The connection, counting the statements executed through it. */
    private static Connection counting(Connection c, AtomicInteger executed) {
        return (Connection) Proxy.newProxyInstance(RollupsTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, args) -> {
            Object made = invoke(m, c, args);
            if (!(made instanceof Statement statement)) return made;
            Class<?> type = made instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : Statement.class;
            return Proxy.newProxyInstance(RollupsTest.class.getClassLoader(), new Class<?>[] {type}, (q, sm, sargs) -> {
                if (sm.getName().startsWith("execute")) executed.incrementAndGet();
                return invoke(sm, statement, sargs);
            });
        });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
