package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The latest records, newest first, the records after a point in time, oldest first, and the
 * records stored after a point, in the order they arrived (what a live tail polls with: a record's
 * own time comes from its source, and may land far behind or ahead of it). Filtered like the
 * reports; person and team filters become raw identities.
 */
public final class RecentRequests {
    /** A position in (time, id) order; a null id means "from this time on, inclusive". */
    public record Cursor(long tsMs, String id) {}

    /** A record and when it was stored (epoch milliseconds; its own time for records stored before that was kept). */
    public record Arrival(long storedMs, TopRequest request) {}

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

    /**
     * Up to {@code limit} records matching q's filters stored after the cursor (its time read as when
     * stored), in (arrival, id) order; q's time range is not applied: a record stamped anywhere arrives.
     */
    public List<Arrival> arrivedAfter(UsageQuery q, Cursor after, int limit) {
        String arrival = StagingColumns.arrival("");
        Where where = new Where();
        try (Connection c = store.connection()) {
            RawFilters.addTo(c, q, where);
            if (after.id() == null) where.and(arrival + " >= ?", after.tsMs());
            else where.and("(" + arrival + " > ? OR (" + arrival + " = ? AND id > ?))", after.tsMs(), after.tsMs(), after.id());
            List<Object> params = where.params();
            params.add(limit);
            String order = " ORDER BY " + arrival + ", id";
            String sql = "SELECT " + TopRequest.COLUMNS + ", " + StagingColumns.arrival("l.") + " FROM (SELECT * FROM usage_events"
                    + where.sql() + order + " LIMIT ?) l" + Identities.aliases("l") + " ORDER BY " + StagingColumns.arrival("l.") + ", l.id";
            return Jdbc.query(c, sql, params, rs -> new Arrival(rs.getLong(15), TopRequest.read(rs)));
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
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
