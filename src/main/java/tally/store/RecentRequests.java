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
 * The latest records, newest first, and the records after a point in time, oldest first (what a
 * live tail polls with). Filtered like the reports; person and team filters become raw identities.
 */
public final class RecentRequests {
    /** A position in (time, id) order; a null id means "from this time on, inclusive". */
    public record Cursor(long tsMs, String id) {}

    private static final String COLUMNS = "l.id, l.ts_ms, coalesce(a.person, l.identity), l.source, l.model, l.request_id,"
            + " l.session_id, l.input_tokens, l.cache_write_5m_tokens, l.cache_write_1h_tokens,"
            + " l.cache_read_tokens, l.output_tokens, l.cost_nanos, l.status";

    private final Store store;

    public RecentRequests(Store store) {
        this.store = store;
    }

    /** The newest {@code limit} records in [q.from, q.to) matching q's filters, newest first. */
    public List<TopRequest> latest(UsageQuery q, int limit) {
        return read(q, null, " ORDER BY ts_ms DESC, id DESC", limit);
    }

    /** Up to {@code limit} records after the cursor (and before q.to) matching q's filters, oldest first. */
    public List<TopRequest> after(UsageQuery q, Cursor after, int limit) {
        return read(q, after, " ORDER BY ts_ms, id", limit);
    }

    private List<TopRequest> read(UsageQuery q, Cursor after, String order, int limit) {
        List<Object> params = new ArrayList<>(List.of(q.from().toEpochMilli(), q.to().toEpochMilli()));
        StringBuilder where = new StringBuilder(" WHERE ts_ms >= ? AND ts_ms < ?");
        try (Connection c = store.connection()) {
            RawFilters.append(c, q, where, params);
            if (after != null && after.id() == null) {
                where.append(" AND ts_ms >= ?");
                params.add(after.tsMs());
            } else if (after != null) {
                where.append(" AND (ts_ms > ? OR (ts_ms = ? AND id > ?))");
                params.addAll(List.of(after.tsMs(), after.tsMs(), after.id()));
            }
            params.add(limit);
            String sql = "SELECT " + COLUMNS + " FROM (SELECT * FROM usage_events" + where + order + " LIMIT ?) l"
                    + " LEFT JOIN aliases a ON a.alias = l.identity" + order.replace("ts_ms", "l.ts_ms").replace(" id", " l.id");
            List<TopRequest> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                RawFilters.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    private static TopRequest row(ResultSet rs) throws SQLException {
        long cost = rs.getLong(13);
        Long costNanos = rs.wasNull() ? null : cost;
        return new TopRequest(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                new TokenCounts(rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)),
                costNanos, rs.getInt(14));
    }
}
