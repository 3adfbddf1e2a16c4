package tally.store;

import tally.core.TokenCounts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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
        List<Object> params = new ArrayList<>(List.of(q.from().toEpochMilli(), q.to().toEpochMilli()));
        StringBuilder where = new StringBuilder(" WHERE ts_ms >= ? AND ts_ms < ?");
        try (Connection c = store.connection()) {
            RawFilters.append(c, q, where, params);
            if (after != null) keyset(after, where, params);
            Long floor = costFloor(c, where, params, limit);
            if (floor != null) {
                where.append(" AND cost_nanos >= ?");
                params.add(floor);
            }
            params.add(limit + 1);
            String sql = "SELECT l.id, l.ts_ms, coalesce(a.person, l.identity), l.source, l.model, l.request_id,"
                    + " l.session_id, l.input_tokens, l.cache_write_5m_tokens, l.cache_write_1h_tokens,"
                    + " l.cache_read_tokens, l.output_tokens, l.cost_nanos, l.status"
                    + " FROM (SELECT * FROM usage_events" + where + ORDER + " LIMIT ?) l"
                    + " LEFT JOIN aliases a ON a.alias = l.identity"
                    + " ORDER BY l.cost_nanos DESC NULLS LAST, l.ts_ms DESC, l.id";
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long cost = rs.getLong(13);
                        Long costNanos = rs.wasNull() ? null : cost;
                        TopRequest t = new TopRequest(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                new TokenCounts(rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)),
                                costNanos, rs.getInt(14));
                        rows.add(new Row(t, new Cursor(costNanos, rs.getLong(2), rs.getString(1))));
                    }
                }
            }
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
     * The cost of the row just past this page: every row of the page costs at least that much.
     * Sorting one column is several times cheaper than sorting rows by all three keys, and the
     * bound then leaves the full sort only a page's worth of rows. Null when there is no such row,
     * or it is unpriced (the page then reaches the unpriced rows and is sorted as it is).
     */
    private static Long costFloor(Connection c, CharSequence where, List<Object> params, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT cost_nanos FROM usage_events" + where
                + " ORDER BY cost_nanos DESC NULLS LAST LIMIT 1 OFFSET " + limit)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }

    /** Rows strictly after the cursor in the page order. */
    private static void keyset(Cursor after, StringBuilder where, List<Object> params) {
        String sameCostLater = "(ts_ms < ? OR (ts_ms = ? AND id > ?))";
        if (after.costNanos() == null) {
            where.append(" AND cost_nanos IS NULL AND ").append(sameCostLater);
            params.addAll(List.of(after.tsMs(), after.tsMs(), after.id()));
        } else {
            where.append(" AND (cost_nanos IS NULL OR cost_nanos < ? OR (cost_nanos = ? AND ").append(sameCostLater).append("))");
            params.addAll(List.of(after.costNanos(), after.costNanos(), after.tsMs(), after.tsMs(), after.id()));
        }
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Long l) ps.setLong(i + 1, l);
            else if (p instanceof Integer n) ps.setInt(i + 1, n);
            else ps.setString(i + 1, (String) p);
        }
    }
}
