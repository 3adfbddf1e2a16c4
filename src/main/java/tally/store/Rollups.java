package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Keeps the rollups equal to the sums of the ledger: 15-minute and daily by every column, hourly
 * by what (model, source, project, region) and hourly by who (identity, team). Records are folded
 * in when stored and taken out when superseded or repriced, inside the writer's transaction.
 */
final class Rollups {
    private Rollups() {}

    static final String COLUMNS = "bucket_ms, identity, team, model, source, requests, failed,"
            + " input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens,"
            + " web_searches, cost_nanos, unpriced, project, region";

    private static final String MATCH = "r.bucket_ms = d.bucket_ms AND r.identity = d.identity AND r.team = d.team"
            + " AND r.model = d.model AND r.source = d.source AND r.project = d.project AND r.region = d.region AND r.bucket_ms BETWEEN ? AND ?";

    /** Adds (sign 1) or subtracts (sign -1) the records of a table matching {@code where} to every rollup. */
    static void add(Connection c, String table, Where where, int sign) throws SQLException {
        add(c, "usage_rollup", Ledger.BUCKET_MS, true, true, table, where, sign);
        add(c, "usage_rollup_daily", Ledger.DAY_MS, true, true, table, where, sign);
        add(c, HOURLY, Ledger.HOUR_MS, false, true, table, where, sign);
        add(c, HOURLY_WHO, Ledger.HOUR_MS, true, false, table, where, sign);
    }

    /** A record's columns that say who, and what, in {@link #COLUMNS} order. */
    private static final String WHO = "identity, coalesce(team, '')";
    private static final String WHAT = "model, source, coalesce(project, ''), coalesce(region, '')";
    private static final String SUMMED = "requests, failed, input_tokens, cache_write_5m_tokens, cache_write_1h_tokens,"
            + " cache_read_tokens, output_tokens, web_searches, cost_nanos, unpriced";

    /**
     * Usage per UTC hour and identity and team, model, source, project and region left '': the
     * questions about who that ask nothing of what (series split by person or team, a person's
     * hours) read the hours near midnight and at a range's edges here, one row per developer.
     */
    static final String HOURLY_WHO = "usage_rollup_hourly_who";

    /**
     * Usage per UTC hour, model, source, project and region, with identity and team left empty: the
     * questions that do not ask who (series by hour, by model, totals) read a few rows per hour here
     * instead of one per developer in the 15-minute rollup.
     */
    static final String HOURLY = "usage_rollup_hourly";

    /**
     * Folds a table's records into one rollup: aggregate into a small delta, add the delta to the rows
     * that exist (probing only the buckets it covers), insert the rest. Two plain statements instead
     * of an upsert, so DuckDB needs no index on the rollup.
     */
    private static void add(Connection c, String rollup, long bucketMs, boolean who, boolean what, String table,
            Where where, int sign) throws SQLException {
        Jdbc.update(c, "DELETE FROM rollup_delta");
        long rows = Jdbc.update(c, delta(bucketMs, who, what, table, where, sign), where.params().toArray());
        if (rows == 0) return;
        long[] range = Jdbc.query(c, "SELECT min(bucket_ms), max(bucket_ms) FROM rollup_delta", List.of(),
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}).get(0);
        Jdbc.update(c, "UPDATE " + rollup + " r SET requests = r.requests + d.requests, failed = r.failed + d.failed,"
                + " input_tokens = r.input_tokens + d.input_tokens,"
                + " cache_write_5m_tokens = r.cache_write_5m_tokens + d.cache_write_5m_tokens,"
                + " cache_write_1h_tokens = r.cache_write_1h_tokens + d.cache_write_1h_tokens,"
                + " cache_read_tokens = r.cache_read_tokens + d.cache_read_tokens,"
                + " output_tokens = r.output_tokens + d.output_tokens, web_searches = r.web_searches + d.web_searches,"
                + " cost_nanos = r.cost_nanos + d.cost_nanos, unpriced = r.unpriced + d.unpriced"
                + " FROM rollup_delta d WHERE " + MATCH, range[0], range[1]);
        Jdbc.update(c, "INSERT INTO " + rollup + " (" + COLUMNS + ") SELECT " + COLUMNS + " FROM rollup_delta d"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + rollup + " r WHERE " + MATCH + ")", range[0], range[1]);
    }

    /** The statement that aggregates a table's matching records into the delta, signed; who and what '' where not kept. */
    private static String delta(long bucketMs, boolean who, boolean what, String table, Where where, int sign) {
        String s = sign < 0 ? "-" : "";
        String bucket = "ts_ms - (ts_ms % " + bucketMs + ")";
        String keys = (who ? WHO : "'', ''") + ", " + (what ? WHAT : "'', '', '', ''");
        String groups = bucket + (who ? ", " + WHO : "") + (what ? ", " + WHAT : "");
        return "INSERT INTO rollup_delta (bucket_ms, identity, team, model, source, project, region, " + SUMMED + ")"
                + " SELECT " + bucket + ", " + keys + ", "
                + s + "count(*), " + s + "sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END), "
                + s + "sum(input_tokens), " + s + "sum(cache_write_5m_tokens), " + s + "sum(cache_write_1h_tokens), "
                + s + "sum(cache_read_tokens), " + s + "sum(output_tokens), " + s + "sum(web_searches), "
                + s + "coalesce(sum(cost_nanos), 0), " + s + "sum(CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END)"
                + " FROM " + table + where.sql() + " GROUP BY " + groups;
    }
}
