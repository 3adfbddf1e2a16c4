package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The most expensive records, a page at a time. Keyset pagination on (cost, time, id) in the
 * order cost descending with unpriced records last, newest first, id ascending: a page costs the
 * same however deep it is, and records arriving meanwhile never shift a page. Person and team
 * filters are turned into the raw identities they cover first, so raw rows are never joined. On
 * the embedded store a first page of up to 50 reads the days' costliest records kept aside
 * ({@link TopDays}) wherever the range covers whole kept days.
 */
public final class TopRequests {
    private static final String ORDER = " ORDER BY cost_nanos DESC NULLS LAST, ts_ms DESC, id";

    /** Where the previous page ended; cost is null once the unpriced records are reached. */
    public record Cursor(Long costNanos, long tsMs, String id) {}

    public record Page(List<Row> rows, Cursor next) {}

    public record Row(TopRequest request, Cursor position) {}

    private final Store store;
    private final FloorHints hints = new FloorHints(256);
    private final TopDays days;

    /** One per store for the process's lifetime: its floor hints serve every later question alike. */
    public TopRequests(Store store) {
        this(store, TopDays.FILLED_FROM);
    }

    /** Keeping the embedded store's days of at least {@code filledFrom} records ({@link TopDays}). */
    TopRequests(Store store, long filledFrom) {
        this.store = store;
        this.days = new TopDays(store, filledFrom);
    }

    /** One page of records in [q.from, q.to) matching q's filters, after {@code after} (null for the first page). */
    public Page page(UsageQuery q, Cursor after, int limit) {
        long from = q.from().toEpochMilli();
        long to = q.to().toEpochMilli();
        try (Connection c = store.connection()) {
            Where filters = RawFilters.addTo(c, q, new Where());
            if (after == null && !store.isPostgres() && TopDays.serves(q, limit)) {
                Page kept = fromKeptDays(c, filters, from, to, limit);
                if (kept != null) return kept;
            }
            Where where = filters.copy().and("ts_ms >= ? AND ts_ms < ?", from, to);
            if (after != null) where.and(keyset(after));
            List<Object> question = FloorHints.key(where, limit);
            Long hint = hints.get(question);
            List<Row> rows = hint == null ? List.of() : rows(c, where.copy().and("cost_nanos >= ?", hint), limit);
            if (rows.size() <= limit) { // no hint, or too high a one now: the rows past it may belong to the page
                Long floor = costFloor(c, where, from, to, limit);
                rows = rows(c, floor == null ? where : where.copy().and("cost_nanos >= ?", floor), limit);
            }
            hints.put(question, rows.size() > limit ? rows.get(limit).request().costNanos() : null);
            return cut(rows, limit);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    /**
     * The first page read from the kept top days ({@link TopDays}), the ended days of the range not
     * kept yet filled first as far as the budget goes; the rest of the range is read from the ledger
     * (today, the range's partial days at its edges). Every row of the page costs at least the
     * (limit+1)th kept row's cost, which cuts the ledger's parts to a few rows before they are sorted.
     * All in one snapshot, so a day forgotten meanwhile is read from where it is whole. Null where no
     * day is kept, or the kept rows are too few (or unpriced) to bound the page: read it as before.
     */
    private Page fromKeptDays(Connection c, Where filters, long from, long to, int limit) throws SQLException {
        days.fill(c, from, to, System.currentTimeMillis(), TopDays.PAGE_FILL_BUDGET_NANOS);
        c.setAutoCommit(false);
        try {
            List<TopDays.Part> parts = TopDays.parts(c, from, to);
            if (parts == null) return null;
            Long floor = keptFloor(c, filters, parts, limit);
            if (floor == null) return null;
            List<Object> params = new ArrayList<>();
            String union = union(filters, parts, floor, params, false);
            params.add(limit + 1);
            params.add(limit + 1);
            return cut(Jdbc.query(c, pageOf("(" + union + ") u"), params, TopRequests::row), limit);
        } finally {
            Jdbc.endReadOnly(c);
        }
    }

    /** The (limit+1)th cost among the kept rows matching {@code filters}: no row of the page costs less. */
    private static Long keptFloor(Connection c, Where filters, List<TopDays.Part> parts, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        String union = union(filters, parts, null, params, true);
        if (union == null) return null;
        params.add(limit + 1);
        List<Long> costs = Jdbc.query(c, "SELECT cost_nanos FROM (" + union + ") u ORDER BY cost_nanos DESC NULLS LAST LIMIT ?",
                params, rs -> Jdbc.nullableLong(rs, 1));
        return costs.size() > limit ? costs.get(limit) : null;
    }

    /**
     * The parts' rows matching {@code filters} (and costing at least {@code floor}, when given) as one
     * UNION ALL of {@link TopDays#COLUMNS}, each part read with its own time range so the ledger's are
     * pruned to their row groups; {@code keptOnly}: the kept parts alone (null when there are none).
     */
    private static String union(Where filters, List<TopDays.Part> parts, Long floor, List<Object> params, boolean keptOnly) {
        List<String> selects = new ArrayList<>();
        for (TopDays.Part p : parts) {
            if (keptOnly && !p.kept()) continue;
            Where w = filters.copy().and("ts_ms >= ? AND ts_ms < ?", p.from(), p.to());
            if (floor != null) w.and("cost_nanos >= ?", floor);
            selects.add("SELECT " + TopDays.COLUMNS + " FROM " + p.table() + w.sql());
            params.addAll(w.params());
        }
        return selects.isEmpty() ? null : String.join(" UNION ALL ", selects);
    }

    /** The floor kept for the question of {@code where} (its filters and cursor) and {@code limit}, if any. */
    Long hint(Where where, int limit) {
        return hints.get(FloorHints.key(where, limit));
    }

    /** The first limit+1 rows of {@code where} in page order, their person resolved. */
    private static List<Row> rows(Connection c, Where where, int limit) throws SQLException {
        List<Object> params = where.params();
        params.add(Math.max(limit + 1, EAGER_ROWS));
        params.add(limit + 1);
        return Jdbc.query(c, pageSql(where), params, TopRequests::row);
    }

    private static Row row(java.sql.ResultSet rs) throws SQLException {
        TopRequest t = TopRequest.read(rs);
        return new Row(t, new Cursor(t.costNanos(), rs.getLong(2), t.id()));
    }

    /** The page of the first limit rows of {@code rows} (up to limit+1 read), and where the next begins when there were more. */
    private static Page cut(List<Row> rows, int limit) {
        if (rows.size() <= limit) return new Page(rows, null);
        List<Row> page = new ArrayList<>(rows.subList(0, limit));
        return new Page(page, page.get(limit - 1).position());
    }

    /**
     * At least this many rows are asked of the raw rows: DuckDB 1.5 "late-materializes" a top-N of 50
     * rows or fewer, sorting row ids first and then fetching the rows by a semi-join on rowid, whose
     * scan reads every row group of the table once more (a person's top 10 at 10M records: about a
     * tenth of the page's CPU). The few more rows it sorts instead are cut by the outer LIMIT.
     */
    static final int EAGER_ROWS = 51;

    /** The page's statement: the rows of {@code where} in page order, their person joined (parameters: where's, inner and outer limit). */
    static String pageSql(Where where) {
        return pageOf("usage_events" + where.sql());
    }

    /**
     * The first rows of {@code rows} (a table and its WHERE, or a subquery) in page order, their person
     * joined (parameters: inner and outer limit).
     */
    private static String pageOf(String rows) {
        return "SELECT " + TopRequest.COLUMNS + " FROM (SELECT * FROM " + rows + ORDER + " LIMIT ?) l" + Identities.aliases("l")
                + " ORDER BY l.cost_nanos DESC NULLS LAST, l.ts_ms DESC, l.id LIMIT ?";
    }

    /**
     * The cost of the row just past the page of rows in [from, to) matching {@code where}, or a lower
     * bound of it: every row of the page costs at least that much. Sorting one column is several
     * times cheaper than sorting rows by all three keys, and the bound then leaves the full sort only
     * a few rows. PostgreSQL walks its index by cost for the whole range at once (a slice would walk
     * it longer). DuckDB is asked of the {@link #FIRST_SPAN week} before the newest record of the
     * range's last day (or before the range's end when that day has none), then of eight times as
     * much, and so on: limit+1 priced matching rows found anywhere in the range bound the page's, and
     * a week is a small part of a month to scan (zone maps on ts_ms skip the rest). Not before the range's end: a range
     * usually ends in the future (today's end), and just after midnight that day holds minutes of
     * records, whose bound lets some 70 times more rows through to the sort (10M records: 100k
     * instead of 1.5k). Null when the whole range has no such priced row (the page then reaches the
     * unpriced rows and is sorted as it is).
     */
    Long costFloor(Connection c, Where where, long from, long to, int limit) throws SQLException {
        if (store.isPostgres()) return costFloor(c, where, from, to, Long.MAX_VALUE, limit);
        return costFloor(c, where, from, newestEnd(c, Math.max(from, to - Ledger.DAY_MS), to), FIRST_SPAN, limit);
    }

    /**
     * How much of a range before its newest record DuckDB's floor is first read from. A longer span
     * scans more rows for the floor but lets fewer through to the page (about limit x range / span),
     * each costing a vector of 14 columns decompressed: a week (a quarter of a month) balanced the two
     * best, measured on 10M records alternating 1, 3, 7 and 15 days in one process (CPU per page: top
     * 50 67 -> 49 ms, a person's top 10 61 -> 58, a team's top 50 81 -> 74; 15 days was slower again).
     */
    static final long FIRST_SPAN = 7 * Ledger.DAY_MS;

    /** Asked of the {@code firstSpan} ms before {@code end}, then of eight times as much, up to the whole range. */
    private static Long costFloor(Connection c, Where where, long from, long end, long firstSpan, int limit) throws SQLException {
        for (long span = firstSpan; ; span *= 8) {
            boolean whole = end - from <= span || span > Long.MAX_VALUE / 8;
            Where slice = whole ? where : where.copy().and("ts_ms >= ?", end - span);
            List<Long> top = Jdbc.query(c, floorSql(slice, limit), slice.params(), rs -> Jdbc.nullableLong(rs, 1));
            if (top.size() > limit && top.get(limit) != null) return top.get(limit);
            if (whole) return null;
        }
    }

    /**
     * The highest costs of the rows of {@code where}, unpriced last, at least limit+1 of them: the
     * (limit+1)th is the floor. Not {@code LIMIT 1 OFFSET limit}, which DuckDB late-materializes (see
     * {@link #EAGER_ROWS}: a second scan of every row group for one row id, a third of the floor's CPU
     * at 10M records); PostgreSQL walks its cost index a few rows further.
     */
    static String floorSql(Where where, int limit) {
        return "SELECT cost_nanos FROM usage_events" + where.sql()
                + " ORDER BY cost_nanos DESC NULLS LAST LIMIT " + Math.max(limit + 1, EAGER_ROWS);
    }

    /**
     * Just past the newest record in [from, to), or {@code to} when there is none: a day's row groups
     * to read (zone maps on ts_ms), where the table's max(ts_ms) would read them all once prune has
     * deleted rows.
     */
    private static long newestEnd(Connection c, long from, long to) throws SQLException {
        List<Long> newest = Jdbc.query(c, "SELECT max(ts_ms) FROM usage_events WHERE ts_ms >= ? AND ts_ms < ?",
                List.of(from, to), rs -> Jdbc.nullableLong(rs, 1));
        return newest.get(0) == null ? to : newest.get(0) + 1;
    }

    /** Rows strictly after the cursor in the page order. */
    private static Where.Condition keyset(Cursor after) {
        String sameCostLater = "(ts_ms < ? OR (ts_ms = ? AND id > ?))";
        if (after.costNanos() == null) {
            return Where.Condition.of("cost_nanos IS NULL AND " + sameCostLater, after.tsMs(), after.tsMs(), after.id());
        }
        return Where.Condition.of("(cost_nanos IS NULL OR cost_nanos < ? OR (cost_nanos = ? AND " + sameCostLater + "))",
                after.costNanos(), after.costNanos(), after.tsMs(), after.tsMs(), after.id());
    }
}
