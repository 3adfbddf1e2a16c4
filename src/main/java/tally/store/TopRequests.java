package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The most expensive records, a page at a time. Keyset pagination on (cost, time, id) in the
 * order cost descending with unpriced records last, newest first, id ascending: a page costs the
 * same however deep it is, and records arriving meanwhile never shift a page. Person and team
 * filters are turned into the raw identities they cover first, so raw rows are never joined.
 */
public final class TopRequests {
    private static final String ORDER = " ORDER BY cost_nanos DESC NULLS LAST, ts_ms DESC, id";

    /** Where the previous page ended; cost is null once the unpriced records are reached. */
    public record Cursor(Long costNanos, long tsMs, String id) {}

    public record Page(List<Row> rows, Cursor next) {}

    public record Row(TopRequest request, Cursor position) {}

    private final Store store;

    public TopRequests(Store store) {
        this.store = store;
    }

    /** One page of records in [q.from, q.to) matching q's filters, after {@code after} (null for the first page). */
    public Page page(UsageQuery q, Cursor after, int limit) {
        Where where = new Where().and("ts_ms >= ? AND ts_ms < ?", q.from().toEpochMilli(), q.to().toEpochMilli());
        try (Connection c = store.connection()) {
            RawFilters.addTo(c, q, where);
            if (after != null) where.and(keyset(after));
            List<Row> rows = byCostAlone(c, where, limit);
            if (rows == null) rows = byFullOrder(c, where, limit);
            Cursor next = null;
            if (rows.size() > limit) {
                rows = new ArrayList<>(rows.subList(0, limit));
                next = rows.get(limit - 1).position();
            }
            return new Page(rows, next);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    /**
     * The page from one scan, when costs decide it: the 2 × (limit + 1) costliest rows by cost alone
     * (a top-N on one column, which both databases keep while scanning), sorted fully. Every row
     * that costs more than the cheapest of them is among them, so when limit + 1 of them do, those
     * are the page and the row past it exactly. Null when not (ties at that cost, or the unpriced
     * rows reached): the full order decides. Half the scans of {@link #byFullOrder} (top of a person
     * or a team at 10M records on DuckDB: two passes over the ledger's columns to one).
     */
    private static List<Row> byCostAlone(Connection c, Where where, int limit) throws SQLException {
        int fetch = 2 * (limit + 1);
        List<Row> rows = read(c, "SELECT * FROM usage_events" + where.sql() + " ORDER BY cost_nanos DESC NULLS LAST LIMIT ?",
                where.params(), fetch);
        if (rows.size() < fetch) return rows; // every matching row
        Long least = rows.get(rows.size() - 1).request().costNanos();
        if (least == null) return null;
        int above = 0;
        while (above < rows.size() && rows.get(above).request().costNanos() > least) above++;
        return above > limit ? rows.subList(0, limit + 1) : null;
    }

    /** The page in the full order: every row costing at least the one past the page, sorted by all three keys. */
    private static List<Row> byFullOrder(Connection c, Where where, int limit) throws SQLException {
        Long floor = costFloor(c, where, limit);
        if (floor != null) where.and("cost_nanos >= ?", floor);
        return read(c, "SELECT * FROM usage_events" + where.sql() + ORDER + " LIMIT ?", where.params(), limit + 1);
    }

    /** The rows of {@code candidates} (a query with a LIMIT ? parameter, given last) with their people, in the page order. */
    private static List<Row> read(Connection c, String candidates, List<Object> params, int limit) throws SQLException {
        params.add(limit);
        String sql = "SELECT " + TopRequest.COLUMNS + " FROM (" + candidates + ") l" + Identities.aliases("l")
                + " ORDER BY l.cost_nanos DESC NULLS LAST, l.ts_ms DESC, l.id";
        return Jdbc.query(c, sql, params, rs -> {
            TopRequest t = TopRequest.read(rs);
            return new Row(t, new Cursor(t.costNanos(), rs.getLong(2), t.id()));
        });
    }

    /**
     * The cost of the row just past this page: every row of the page costs at least that much.
     * Sorting one column is several times cheaper than sorting rows by all three keys, and the
     * bound then leaves the full sort only a page's worth of rows. Null when there is no such row,
     * or it is unpriced (the page then reaches the unpriced rows and is sorted as it is).
     */
    private static Long costFloor(Connection c, Where where, int limit) throws SQLException {
        List<Long> floor = Jdbc.query(c, "SELECT cost_nanos FROM usage_events" + where.sql()
                + " ORDER BY cost_nanos DESC NULLS LAST LIMIT 1 OFFSET " + limit, where.params(), rs -> Jdbc.nullableLong(rs, 1));
        return floor.isEmpty() ? null : floor.get(0);
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
