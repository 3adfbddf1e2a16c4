package tally.store;

import tally.core.TokenCounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The rollup rows r that cover a question's range, the joins it needs, and how its sums are read.
 */
final class RollupRange {
    private RollupRange() {}

    static final String SUMS = "sum(r.requests), sum(r.failed), sum(r.input_tokens), sum(r.cache_write_5m_tokens),"
            + " sum(r.cache_write_1h_tokens), sum(r.cache_read_tokens), sum(r.output_tokens), sum(r.web_searches),"
            + " sum(r.cost_nanos), sum(r.unpriced)";

    /** {@link #from(UsageQuery, Dimension, boolean, List)} for a question with no second dimension. */
    static String from(Store store, UsageQuery q, boolean fine, List<Object> params) {
        return from(store, q, null, fine, params);
    }

    /**
     * The rollup rows that cover [from, to) exactly, for a question grouped by q.by() and split (or
     * null): the hourly rollup by what when it asks nothing of who and the range is whole hours;
     * else whole UTC days from the daily rollup (by who when the edges are read by who) and the
     * partial days at either edge from the finest rollup the question needs ({@link #subDay}), or
     * only that one when asked.
     */
    static String from(Store store, UsageQuery q, Dimension split, boolean fine, List<Object> params) {
        String join = joins(split == Dimension.USER || split == Dimension.TEAM ? split : q.by(), q);
        long lo = q.from().toEpochMilli();
        long hi = q.to().toEpochMilli();
        boolean wholeHours = lo % Ledger.HOUR_MS == 0 && hi % Ledger.HOUR_MS == 0 && (!q.by().isTime() || wholeHourOffsets(q));
        String edges = subDay(store, q, split, wholeHours);
        long day = Ledger.DAY_MS;
        long dayLo = Math.floorDiv(lo + day - 1, day) * day;
        long dayHi = Math.floorDiv(hi, day) * day;
        if (fine || dayLo >= dayHi || edges.equals(Rollups.HOURLY)) {
            params.addAll(List.of(lo, hi));
            return " FROM (SELECT * FROM " + edges + " WHERE bucket_ms >= ? AND bucket_ms < ?) r" + join;
        }
        params.addAll(List.of(dayLo, dayHi, lo, dayLo, dayHi, hi));
        String rows = "SELECT * FROM " + Rollups.dailyBeside(edges) + " WHERE bucket_ms >= ? AND bucket_ms < ?"
                + " UNION ALL SELECT * FROM " + edges + " WHERE (bucket_ms >= ? AND bucket_ms < ?)"
                + " OR (bucket_ms >= ? AND bucket_ms < ?)";
        return " FROM (" + (join.isEmpty() ? rows : perIdentity(rows, "", "")) + ") r" + join;
    }

    private static final String[] SUMMED = {"requests", "failed", "input_tokens", "cache_write_5m_tokens",
            "cache_write_1h_tokens", "cache_read_tokens", "output_tokens", "web_searches", "cost_nanos", "unpriced"};

    /**
     * Rollup rows summed per identity, team, model, source, project and region (and {@code period}
     * when given: a column of the rows, kept first), before the people joins: resolving who is then
     * done once per identity, not once per 15-minute row. Exact: every key and filter reads only
     * those columns. {@code sign} is a column of the rows each sum is multiplied by ("" for none);
     * the result's is 1.
     */
    static String perIdentity(String rows, String period, String sign) {
        String keys = "identity, team, model, source, project, region";
        StringBuilder sql = new StringBuilder("SELECT ");
        if (!period.isEmpty()) sql.append(period).append(", 1 AS sgn, ");
        sql.append(keys);
        for (String c : SUMMED) {
            sql.append(", sum(").append(sign.isEmpty() ? "" : sign + " * ").append(c).append(") AS ").append(c);
        }
        return sql.append(" FROM (").append(rows).append(") u GROUP BY ").append(period.isEmpty() ? "" : period + ", ")
                .append(keys).toString();
    }

    /**
     * The finest rollup a question needs for the parts of its range shorter than a day, when every
     * bound of those parts is a whole UTC hour and every zone offset they are cut at whole hours
     * ({@code wholeHours}; an hour row then falls in one local hour): hourly by what when it groups,
     * splits and filters by nothing about who; hourly by who when by nothing about what (on
     * PostgreSQL only: DuckDB scans the 15-minute rollup's long columns faster than it sums the hourly
     * rollup's decimals beside the daily rollup's longs, as measured); else the 15-minute rollup.
     */
    static String subDay(Store store, UsageQuery q, Dimension split, boolean wholeHours) {
        if (!wholeHours) return "usage_rollup";
        boolean who = asksWho(q.by()) || (split != null && asksWho(split)) || needsPeople(q.by(), q) || q.identity() != null;
        if (!who) return Rollups.HOURLY;
        AnyOf f = q.anyOf();
        boolean what = asksWhat(q.by()) || (split != null && asksWhat(split)) || q.model() != null || q.source() != null
                || f.filtersModels() || !f.sources().isEmpty() || !f.projects().isEmpty() || !f.costCenters().isEmpty()
                || !f.regions().isEmpty();
        return what || !store.dialect().name().equals("postgresql") ? "usage_rollup" : Rollups.HOURLY_WHO;
    }

    private static boolean asksWhat(Dimension d) {
        return d == Dimension.MODEL || d == Dimension.SOURCE || d == Dimension.PROJECT || d == Dimension.COST_CENTER
                || d == Dimension.REGION || d == Dimension.SESSION;
    }

    private static boolean asksWho(Dimension d) {
        return d == Dimension.USER || d == Dimension.TEAM || d == Dimension.SESSION || d == Dimension.KEY;
    }

    /** Whether the zone's offset is whole hours over all of q's range. */
    private static boolean wholeHourOffsets(UsageQuery q) {
        for (long[] piece : UsageSeries.constantOffsetPieces(q.from(), q.to(), q.zone())) {
            if (piece[2] % Ledger.HOUR_MS != 0) return false;
        }
        return true;
    }

    /** Whether a question needs each row's person or team (the people and aliases joins). */
    static boolean needsPeople(Dimension by, UsageQuery q) {
        return by == Dimension.USER || by == Dimension.TEAM || by == Dimension.SESSION
                || q.person() != null || q.team() != null || q.anyOf().needsPeople();
    }

    /**
     * The joins a question needs: people and aliases only when it groups or filters by person or
     * team. Grouping millions of rollup rows by day or model is several times faster without them.
     */
    static String joins(Dimension by, UsageQuery q) {
        return needsPeople(by, q) ? Identities.people("r") : "";
    }

    /** The SQL expression a rollup row r is grouped by for a dimension (time dimensions: its bucket). */
    static String keyOf(Dimension d) {
        return switch (d) {
            case USER -> Identities.PERSON;
            case TEAM -> Identities.TEAM;
            case MODEL -> "r.model";
            case SOURCE -> "r.source";
            case PROJECT -> ProjectRules.PROJECT;
            case COST_CENTER -> ProjectRules.COST_CENTER;
            case KEY -> Identities.key("r");
            case REGION -> Regions.REGION;
            case DAY, HOUR, WEEK, MONTH -> "r.bucket_ms";
            case SESSION -> throw new IllegalStateException("sessions are not in the rollups");
        };
    }

    /** A row of {@link #SUMS} (from column 2 on) as usage under a key. */
    static UsageRow row(ResultSet rs, String key) throws SQLException {
        return row(rs, 2, key);
    }

    /** A row of {@link #SUMS} starting at column {@code first} as usage under a key. */
    static UsageRow row(ResultSet rs, int first, String key) throws SQLException {
        int i = first;
        return new UsageRow(key, Sums.read(rs, i, "requests"), Sums.read(rs, i + 1, "failed requests"),
                new TokenCounts(Sums.read(rs, i + 2, "input tokens"), Sums.read(rs, i + 3, "cache write 5m tokens"),
                        Sums.read(rs, i + 4, "cache write 1h tokens"), Sums.read(rs, i + 5, "cache read tokens"),
                        Sums.read(rs, i + 6, "output tokens")),
                Sums.read(rs, i + 7, "web searches"), Sums.read(rs, i + 8, "cost in nano-dollars"),
                Sums.read(rs, i + 9, "unpriced requests"));
    }
}
