package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.StringJoiner;

/**
 * The rows of a top page on PostgreSQL, from the index by UTC day and cost (V95): one branch per
 * day, each the day's first rows in page order read from its part of the index. The keys of that
 * index arrive in time order, so a write touches only the current day's part of it.
 * <p>
 * PostgreSQL does not merge such branches lazily (no Merge Append over them), so each branch
 * would read its day until it has a page of matches: for one person among 200, a whole month's
 * worth. A cost floor first bounds every branch instead: the days are read newest first in
 * growing groups (1, 1, 2, 4… days), costs only, and the (limit)-th largest cost of matching rows
 * seen so far bounds the page, since those rows are in it or beaten by it. The floor tightens as
 * the groups grow, and the last read (the rows themselves) scans only what is above it.
 */
final class TopByDay {
    /** The index's day of a row, spelled as the index spells it. */
    private static final String DAY = "(ts_ms / 86400000)";
    private static final long DAY_MS = 86_400_000L;
    /** Past this many days one sort of the range replaces a branch per day (years of raw rows in one question). */
    private static final int MAX_BRANCHES = 400;
    private static final String ORDER = " ORDER BY cost_nanos DESC NULLS LAST, ts_ms DESC, id";

    private TopByDay() {}

    /**
     * SQL for the first {@code rows} rows (all columns of usage_events) matching {@code where} in
     * page order, unordered across days; its parameters are added to {@code params}. Null when
     * [from, to) holds no rows.
     */
    static String rows(Connection c, Where where, long from, long to, int rows, List<Object> params) throws SQLException {
        List<Long> days = days(c, from, to);
        if (days.isEmpty()) return null;
        if (days.size() > MAX_BRANCHES) {
            params.addAll(where.params());
            return "SELECT * FROM usage_events" + where.sql();
        }
        Long floor = floor(c, where, days, rows);
        Where bounded = floor == null ? where : where.copy().and("cost_nanos >= ?", floor);
        return "SELECT * FROM (" + branches(days, "*", bounded, ORDER, rows, params) + ") d";
    }

    /** The UTC days from the first to the last row in [from, to), newest first (two probes of the time index). */
    private static List<Long> days(Connection c, long from, long to) throws SQLException {
        List<long[]> span = Jdbc.query(c, "SELECT min(ts_ms), max(ts_ms) FROM usage_events WHERE ts_ms >= ? AND ts_ms < ?",
                List.of(from, to), rs -> {
                    long first = rs.getLong(1);
                    return rs.wasNull() ? null : new long[] {first, rs.getLong(2)};
                });
        List<Long> days = new ArrayList<>();
        if (span.isEmpty() || span.get(0) == null) return days;
        for (long d = span.get(0)[1] / DAY_MS; d >= span.get(0)[0] / DAY_MS; d--) days.add(d);
        return days;
    }

    /** The {@code rows}-th largest cost of priced matching rows, or null if there are fewer. */
    private static Long floor(Connection c, Where where, List<Long> days, int rows) throws SQLException {
        PriorityQueue<Long> best = new PriorityQueue<>(); // the largest costs seen, smallest first
        int at = 0;
        for (int group = 1; at < days.size(); group = Math.max(1, at)) {
            List<Long> some = days.subList(at, Math.min(days.size(), at + group));
            at += some.size();
            Where w = where.copy().and("cost_nanos IS NOT NULL");
            if (best.size() == rows) w.and("cost_nanos >= ?", best.peek());
            List<Object> params = new ArrayList<>();
            String sql = branches(some, "cost_nanos", w, " ORDER BY cost_nanos DESC NULLS LAST", rows, params);
            for (long cost : Jdbc.query(c, sql, params, rs -> rs.getLong(1))) {
                best.add(cost);
                if (best.size() > rows) best.poll();
            }
        }
        return best.size() == rows ? best.peek() : null;
    }

    /** One branch per day: the day's first {@code rows} rows matching {@code where} in {@code order}. */
    private static String branches(List<Long> days, String columns, Where where, String order, int rows, List<Object> params) {
        StringJoiner union = new StringJoiner(" UNION ALL ");
        for (long day : days) {
            union.add("(SELECT " + columns + " FROM usage_events" + where.sql() + " AND " + DAY + " = " + day + order + " LIMIT " + rows + ")");
            params.addAll(where.params());
        }
        return union.toString();
    }
}
