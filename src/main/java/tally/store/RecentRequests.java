package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The latest records, newest first, and the records after a point in time, oldest first (what a
 * live tail polls with). Filtered like the reports; person and team filters become raw identities.
 */
public final class RecentRequests {
    /** A position in (time, id) order; a null id means "from this time on, inclusive". */
    public record Cursor(long tsMs, String id) {}

    private final Store store;

    public RecentRequests(Store store) {
        this.store = store;
    }

    /** The newest {@code limit} records in [q.from, q.to) matching q's filters, newest first. */
    public List<TopRequest> latest(UsageQuery q, int limit) {
        return read(q, null, false, limit);
    }

    /** Up to {@code limit} records after the cursor (and before q.to) matching q's filters, oldest first. */
    public List<TopRequest> after(UsageQuery q, Cursor after, int limit) {
        return read(q, after, true, limit);
    }

    private List<TopRequest> read(UsageQuery q, Cursor after, boolean oldestFirst, int limit) {
        Where where = new Where().and("ts_ms >= ? AND ts_ms < ?", q.from().toEpochMilli(), q.to().toEpochMilli());
        try (Connection c = store.connection()) {
            RawFilters.addTo(c, q, where);
            if (after != null && after.id() == null) where.and("ts_ms >= ?", after.tsMs());
            else if (after != null) where.and("(ts_ms > ? OR (ts_ms = ? AND id > ?))", after.tsMs(), after.tsMs(), after.id());
            List<Object> params = where.params();
            params.add(limit);
            String sql = "SELECT " + TopRequest.COLUMNS + " FROM (SELECT * FROM usage_events" + where.sql()
                    + order("", oldestFirst) + " LIMIT ?) l" + Identities.aliases("l") + order("l.", oldestFirst);
            return Jdbc.query(c, sql, params, TopRequest::read);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    /** Time order over a row (prefix "l." or none): oldest or newest first, ties by id the same way. */
    private static String order(String row, boolean oldestFirst) {
        String dir = oldestFirst ? "" : " DESC";
        return " ORDER BY " + row + "ts_ms" + dir + ", " + row + "id" + dir;
    }
}
