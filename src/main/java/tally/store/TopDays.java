package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded store's costliest priced records of each ended UTC day, {@link #DEPTH} per identity and
 * team (migration V102). A person's or a team's filter selects whole (identity, team) keys, so a top page
 * of up to {@code DEPTH - 1} rows over whole kept days is among these rows: at 10M records a month, a
 * team's top 50 read 9.1M records' costs and then sorted the survivors, and reads 300k rows here.
 * Days are filled when a page first asks for them, not as records are written: a write would pay
 * for it whether anyone asks or not, and most days once written never change. A write into a day
 * forgets it ({@link #forget}), in the writer's transaction; the next page fills it again.
 * PostgreSQL walks its index on cost instead and keeps none of this.
 */
final class TopDays {
    /** Rows kept per day, identity and team: a page of 50 and the one row past it. */
    static final int DEPTH = 51;

    /**
     * How long one page may spend filling days (then it reads the rest from the ledger, and a later
     * page fills them): a day of 330k records takes 30-50 ms, and a month's first page should not
     * wait a second or two for all of them. {@code tally serve} fills them in the background anyway
     * ({@link Ledger#keepTopDays}), so its pages seldom find one to fill.
     */
    static final long PAGE_FILL_BUDGET_NANOS = 120_000_000L;

    /** The columns kept, as in usage_events. */
    static final String COLUMNS = "id, ts_ms, identity, team, source, model, request_id, session_id, input_tokens,"
            + " cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens, cost_nanos, status";

    private static final String ORDER = "cost_nanos DESC, ts_ms DESC, id";

    private final Store store;
    private final long filledFrom;

    /** Keeps the days of at least {@code filledFrom} records ({@link #FILLED_FROM} but in tests). */
    TopDays(Store store, long filledFrom) {
        this.store = store;
        this.filledFrom = filledFrom;
    }

    /** Whether rows kept here can answer a first page of {@code limit} for q: its filters select whole keys. */
    static boolean serves(UsageQuery q, int limit) {
        AnyOf f = q.anyOf();
        return limit < DEPTH && q.model() == null && q.source() == null && q.identity() == null
                && f.models().isEmpty() && f.modelFamilies().isEmpty() && f.sources().isEmpty()
                && f.projects().isEmpty() && f.costCenters().isEmpty() && f.regions().isEmpty();
    }

    /**
     * In the writer's transaction, as records in [lo, hi] (ms) change: the days they lie in are no
     * longer kept. Nothing on PostgreSQL.
     */
    static void forget(Connection c, long lo, long hi) throws SQLException {
        if (Jdbc.onPostgres(c)) return;
        Jdbc.update(c, "DELETE FROM usage_top_kept WHERE day_ms BETWEEN ? AND ?", dayOf(lo), dayOf(hi));
    }

    /** In the writer's transaction, as records before {@code cut} are pruned: their days go, rows and all. */
    static void prune(Connection c, long cut) throws SQLException {
        if (Jdbc.onPostgres(c)) return;
        Jdbc.update(c, "DELETE FROM usage_top_kept WHERE day_ms < ?", cut);
        Jdbc.update(c, "DELETE FROM usage_top_day WHERE ts_ms < ?", cut);
    }

    /**
     * Fills the days of [from, to) that have ended by {@code now}, were written at least
     * {@code filledFrom} records (as the daily rollup counts them) and are not kept, newest first,
     * for as long as {@code budgetNanos} allows (one day at least). Each in a write transaction of its own in the
     * writers' turn, so no write lands between reading a day and marking it kept; none while a bulk
     * write's transaction is open, whose writes to a day this could not see nor they its mark.
     */
    void fill(Connection c, long from, long to, long now, long budgetNanos) throws SQLException {
        long first = ceilDay(from);
        long end = dayOf(Math.min(to, now));
        if (first >= end) return;
        List<Long> due = Jdbc.query(c, "SELECT bucket_ms FROM usage_rollup_daily WHERE bucket_ms >= ? AND bucket_ms < ?"
                        + " AND bucket_ms NOT IN (SELECT day_ms FROM usage_top_kept) GROUP BY bucket_ms HAVING sum(requests) >= ?"
                        + " ORDER BY bucket_ms DESC",
                List.of(first, end, filledFrom), rs -> rs.getLong(1));
        long started = System.nanoTime();
        for (long day : due) {
            if (store.inTransactionBetweenBulks(w -> fillDay(w, day)) == null) return;
            if (System.nanoTime() - started > budgetNanos) return;
        }
    }

    /**
     * Days with fewer records are read from the ledger: a page reads such a day's few hundred
     * kilobytes of columns in well under a millisecond, where filling it costs a few statements (a
     * small store's reading commands would pay them and gain nothing).
     */
    static final long FILLED_FROM = 50_000;

    /**
     * Keeps one day: each key's first {@link #DEPTH} priced rows in page order, less any costing under
     * the lowest of the keys' DEPTH-th costs (a key with fewer priced rows has none), so every key
     * with DEPTH priced rows keeps them all. No row left out is ever needed: a page read from kept
     * rows holds only rows costing at least its (limit+1)th kept row, which costs at least that cut;
     * and a row of a key past its DEPTH kept rows ranks below all of them. The cut lets the window
     * sort a few rows (at 10M records a month: 13k of a day's 330k, 30 ms instead of 200).
     */
    private static Boolean fillDay(Connection c, long day) throws SQLException {
        if (!kept(c, day, day + Ledger.DAY_MS).isEmpty()) return true; // another page filled it meanwhile
        Jdbc.update(c, "DELETE FROM usage_top_day WHERE ts_ms >= ? AND ts_ms < ?", day, day + Ledger.DAY_MS);
        Where.Condition rows = rowsToKeep(c, day);
        Jdbc.update(c, "INSERT INTO usage_top_day " + rows.sql(), rows.params().toArray());
        Jdbc.update(c, "INSERT INTO usage_top_kept (day_ms) VALUES (?)", day);
        return true;
    }

    /** The SELECT of the rows of {@code day} a fill keeps, as the ledger holds them now (see {@link #fillDay}). */
    static Where.Condition rowsToKeep(Connection c, long day) throws SQLException {
        Long floor = Jdbc.query(c, "SELECT min(top[" + DEPTH + "]) FROM (SELECT max(cost_nanos, " + DEPTH + ") AS top"
                        + " FROM usage_events WHERE ts_ms >= ? AND ts_ms < ? GROUP BY identity, team)",
                List.of(day, day + Ledger.DAY_MS), rs -> Jdbc.nullableLong(rs, 1)).get(0);
        Where rows = new Where().and("ts_ms >= ? AND ts_ms < ?", day, day + Ledger.DAY_MS)
                .and(floor == null ? Where.Condition.of("cost_nanos IS NOT NULL") : Where.Condition.of("cost_nanos >= ?", floor));
        return new Where.Condition("SELECT " + COLUMNS + " FROM usage_events" + rows.sql()
                + " QUALIFY row_number() OVER (PARTITION BY identity, team ORDER BY " + ORDER + ") <= " + DEPTH, rows.params());
    }

    /** The kept days in [first, end) (day starts), oldest first. */
    static List<Long> kept(Connection c, long first, long end) throws SQLException {
        return Jdbc.query(c, "SELECT day_ms FROM usage_top_kept WHERE day_ms >= ? AND day_ms < ? ORDER BY day_ms",
                List.of(first, end), rs -> rs.getLong(1));
    }

    /**
     * [from, to) cut into parts, each read from one table: runs of kept days from usage_top_day, the
     * rest from usage_events. Null when no day is kept.
     */
    static List<Part> parts(Connection c, long from, long to) throws SQLException {
        List<Long> kept = kept(c, ceilDay(from), dayOf(to));
        if (kept.isEmpty()) return null;
        List<Part> parts = new ArrayList<>();
        long at = from;
        for (int i = 0; i < kept.size(); ) {
            long runStart = kept.get(i);
            long runEnd = runStart + Ledger.DAY_MS;
            while (++i < kept.size() && kept.get(i) == runEnd) runEnd += Ledger.DAY_MS;
            if (at < runStart) parts.add(new Part("usage_events", at, runStart));
            parts.add(new Part("usage_top_day", runStart, runEnd));
            at = runEnd;
        }
        if (at < to) parts.add(new Part("usage_events", at, to));
        return parts;
    }

    /** A span [from, to) of the range, read from one table. */
    record Part(String table, long from, long to) {
        boolean kept() {
            return table.equals("usage_top_day");
        }
    }

    static long dayOf(long ms) {
        return Math.floorDiv(ms, Ledger.DAY_MS) * Ledger.DAY_MS;
    }

    private static long ceilDay(long ms) {
        return -dayOf(-ms);
    }
}
