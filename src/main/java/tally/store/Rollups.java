package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Keeps the rollups equal to the sums of the ledger: 15-minute and daily by every column, hourly
 * by what (model, source, project, region) and hourly and daily by who (identity, team).
 * Records are folded in when stored and taken out when superseded or repriced, inside the writer's
 * transaction.
 */
final class Rollups {
    private Rollups() {}

    static final String COLUMNS = "bucket_ms, identity, team, model, source, requests, failed,"
            + " input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens,"
            + " web_searches, cost_nanos, unpriced, project, region";

    private static final String KEY = "bucket_ms, identity, team, model, source, project, region";

    private static final String MATCH = "r.bucket_ms = d.bucket_ms AND r.identity = d.identity AND r.team = d.team"
            + " AND r.model = d.model AND r.source = d.source AND r.project = d.project AND r.region = d.region AND r.bucket_ms BETWEEN ? AND ?";

    private static final String SUMMED = "requests, failed, input_tokens, cache_write_5m_tokens, cache_write_1h_tokens,"
            + " cache_read_tokens, output_tokens, web_searches, cost_nanos, unpriced";
    /** The summed columns of every rollup, in their order. */
    static final String[] SUMS = SUMMED.split(", ");

    /**
     * Usage per UTC hour and identity and team, model, source, project and region left '': the
     * questions about who that ask nothing of what (series split by person or team, a person's
     * hours) read the hours near midnight and at a range's edges here, one row per developer.
     */
    static final String HOURLY_WHO = "usage_rollup_hourly_who";

    /**
     * Usage per UTC day and identity and team, the other keys left '': the whole days of the
     * questions that read {@link #HOURLY_WHO} for their edges, one row per developer and day instead
     * of one per developer, model, source, project and region.
     */
    static final String DAILY_WHO = "usage_rollup_daily_who";

    /**
     * Usage per UTC hour, model, source, project and region, with identity and team left empty: the
     * questions that do not ask who (series by hour, by model, totals) read a few rows per hour here
     * instead of one per developer in the 15-minute rollup.
     */
    static final String HOURLY = "usage_rollup_hourly";

    /**
     * Adds (sign 1) or subtracts (sign -1) the records of a table matching {@code where} to every
     * rollup. The table is aggregated once, at the finest grain, into the delta; each rollup merges
     * its own sums of that, which is far smaller and narrower than the records. Eight statements (the
     * delta emptied, filled and its range read, then one MERGE per rollup) where there were 21: a
     * statement costs a small DuckDB write a few ms whatever its size. The local days of
     * {@code local}'s zone are one more, when kept; forgetting the records' kept top days
     * ({@link TopDays}) one more on DuckDB.
     */
    static void add(Connection c, String table, Where where, int sign, LocalDays local) throws SQLException {
        Jdbc.update(c, (Jdbc.onPostgres(c) ? "TRUNCATE " : "DELETE FROM ") + "rollup_delta"); // PostgreSQL: a DELETE leaves dead rows to skip
        long rows = Jdbc.update(c, "INSERT INTO rollup_delta (" + KEY + ", " + SUMMED + ") " + fine(table, where, sign),
                where.params().toArray());
        if (rows == 0) return;
        long[] range = Jdbc.query(c, "SELECT min(bucket_ms), max(bucket_ms) FROM rollup_delta", List.of(),
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}).get(0);
        fold(c, "usage_rollup", "rollup_delta", range);
        fold(c, "usage_rollup_daily", coarser(Ledger.DAY_MS, true, true), coarse(range, Ledger.DAY_MS));
        fold(c, HOURLY, coarser(Ledger.HOUR_MS, false, true), coarse(range, Ledger.HOUR_MS));
        fold(c, HOURLY_WHO, coarser(Ledger.HOUR_MS, true, false), coarse(range, Ledger.HOUR_MS));
        fold(c, DAILY_WHO, coarser(Ledger.DAY_MS, true, false), coarse(range, Ledger.DAY_MS));
        if (local.kept()) fold(c, LocalDays.TABLE, "(" + local.summed("rollup_delta", "", range) + ")", local.days(range));
        TopDays.forget(c, range[0], range[1]); // every change to stored records is summed here, so their days are known here
    }

    /**
     * Adds a delta to the rows of a rollup that exist and inserts the rest, in one MERGE: the rollup
     * is joined once, and only over the buckets the delta covers (DuckDB prunes the rollup's row
     * groups by their zone maps on bucket_ms, PostgreSQL reads the range through its unique index).
     */
    private static void fold(Connection c, String rollup, String delta, long[] range) throws SQLException {
        StringBuilder set = new StringBuilder();
        for (String s : SUMS) set.append(set.length() == 0 ? "" : ", ").append(s).append(" = r.").append(s).append(" + d.").append(s);
        Jdbc.update(c, "MERGE INTO " + rollup + " r USING " + delta + " d ON " + MATCH
                + " WHEN MATCHED THEN UPDATE SET " + set
                + " WHEN NOT MATCHED THEN INSERT (" + COLUMNS + ") VALUES (d." + COLUMNS.replace(", ", ", d.") + ")", range[0], range[1]);
    }

    /** The daily rollup read beside a sub-day rollup: by who when the question's edges are read by who. */
    static String dailyBeside(String subDay) {
        return subDay.equals(HOURLY_WHO) ? DAILY_WHO : "usage_rollup_daily";
    }

    /** Aggregates a table's matching records per 15 minutes and every key, signed. */
    private static String fine(String table, Where where, int sign) {
        String s = sign < 0 ? "-" : "";
        String bucket = "ts_ms - (ts_ms % " + Ledger.BUCKET_MS + ")";
        String keys = "identity, coalesce(team, ''), model, source, coalesce(project, ''), coalesce(region, '')";
        return "SELECT " + bucket + ", " + keys + ", "
                + s + "count(*), " + s + "sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END), "
                + s + "sum(input_tokens), " + s + "sum(cache_write_5m_tokens), " + s + "sum(cache_write_1h_tokens), "
                + s + "sum(cache_read_tokens), " + s + "sum(output_tokens), " + s + "sum(web_searches), "
                + s + "coalesce(sum(cost_nanos), 0), " + s + "sum(CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END)"
                + " FROM " + table + where.sql() + " GROUP BY " + bucket + ", " + keys;
    }

    /**
     * The fine delta summed per coarser bucket, who and what '' where the rollup does not keep them:
     * a MERGE's source, read straight from the fine delta (a few hundred rows a write) rather than
     * stored in a table of its own first.
     */
    private static String coarser(long bucketMs, boolean who, boolean what) {
        String bucket = "bucket_ms - (bucket_ms % " + bucketMs + ")";
        StringBuilder sums = new StringBuilder();
        for (String s : SUMS) sums.append(", sum(").append(s).append(") AS ").append(s);
        return "(SELECT " + bucket + " AS bucket_ms, "
                + (who ? "identity, team" : "'' AS identity, '' AS team") + ", "
                + (what ? "model, source, project, region" : "'' AS model, '' AS source, '' AS project, '' AS region") + sums
                + " FROM rollup_delta GROUP BY " + bucket + (who ? ", identity, team" : "") + (what ? ", model, source, project, region" : "") + ")";
    }

    /** The coarse buckets a fine range covers. */
    private static long[] coarse(long[] range, long bucketMs) {
        return new long[] {range[0] - Math.floorMod(range[0], bucketMs), range[1] - Math.floorMod(range[1], bucketMs)};
    }
}
