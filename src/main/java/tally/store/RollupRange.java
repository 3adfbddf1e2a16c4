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

    /** Each of {@link Rollups#SUMS} summed over the rows r: sum(r.requests), sum(r.failed), … */
    static final String SUMS = sums();

    private static String sums() {
        StringBuilder sql = new StringBuilder();
        for (String c : Rollups.SUMS) sql.append(sql.length() == 0 ? "" : ", ").append("sum(r.").append(c).append(')');
        return sql.toString();
    }

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
        return from(store, q, split, fine, true, params);
    }

    /** {@link #from(Store, UsageQuery, Dimension, boolean, List)}, the aliases joined only when {@code aliased} ({@link Store#mayHaveAliases}). */
    static String from(Store store, UsageQuery q, Dimension split, boolean fine, boolean aliased, List<Object> params) {
        String join = joins(joinedBy(q, split), q, aliased);
        long lo = q.from().toEpochMilli();
        long hi = q.to().toEpochMilli();
        boolean wholeHours = lo % Ledger.HOUR_MS == 0 && hi % Ledger.HOUR_MS == 0 && (!q.by().isTime() || wholeHourOffsets(q));
        String edges = subDay(store, q, split, wholeHours);
        long day = Ledger.DAY_MS;
        long dayLo = Math.floorDiv(lo + day - 1, day) * day;
        long dayHi = Math.floorDiv(hi, day) * day;
        List<String> mine = personsIdentities(store, q);
        String whose = whose(mine);
        if (fine || dayLo >= dayHi || edges.equals(Rollups.HOURLY)) {
            params.addAll(List.of(lo, hi));
            params.addAll(mine);
            return " FROM (SELECT * FROM " + edges + " WHERE bucket_ms >= ? AND bucket_ms < ?" + whose + ") r" + join;
        }
        params.addAll(List.of(dayLo, dayHi));
        params.addAll(mine);
        params.addAll(List.of(lo, dayLo, dayHi, hi));
        params.addAll(mine);
        String rows = "SELECT * FROM " + Rollups.dailyBeside(edges) + " WHERE bucket_ms >= ? AND bucket_ms < ?" + whose
                + " UNION ALL SELECT * FROM " + edges + " WHERE ((bucket_ms >= ? AND bucket_ms < ?)"
                + " OR (bucket_ms >= ? AND bucket_ms < ?))" + whose;
        return " FROM (" + (join.isEmpty() ? rows : perIdentity(rows, "", "")) + ") r" + join;
    }

    /** Beyond this many identities a person filter resolves every row instead (as the only way on DuckDB). */
    private static final int PERSON_IDENTITIES_MAX = 500;

    /**
     * On PostgreSQL, the identities whose rows belong to the one person q filters by (looked up in
     * the daily rollup by who over the UTC days q touches, which holds every identity with usage
     * then); none when q names no person, on DuckDB, or for a person of very many identities. The
     * person filter itself still applies: this only narrows the rows it is applied to.
     */
    static List<String> personsIdentities(Store store, UsageQuery q) {
        if (q.person() == null || !store.dialect().name().equals("postgresql")) return List.of();
        long day = Ledger.DAY_MS;
        long first = Math.floorDiv(q.from().toEpochMilli(), day) * day;
        List<String> ids = Jdbc.query(store, Identities.OF_PERSON_IN_DAYS, List.of(first, q.to().toEpochMilli(), q.person()),
                rs -> rs.getString(1), store::unavailable);
        if (ids.isEmpty()) return List.of(""); // nobody's rows: read those of '' alone, which the person filter then refuses
        return ids.size() > PERSON_IDENTITIES_MAX ? List.of() : ids;
    }

    /** The condition on a rollup's rows that keeps those of the identities given (none: every row). */
    private static String whose(List<String> identities) {
        if (identities.isEmpty()) return "";
        return " AND identity IN (" + "?, ".repeat(identities.size() - 1) + "?)";
    }

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
        for (String c : Rollups.SUMS) {
            sql.append(", sum(").append(sign.isEmpty() ? "" : sign + " * ").append(c).append(") AS ").append(c);
        }
        return sql.append(" FROM (").append(rows).append(") u GROUP BY ").append(period.isEmpty() ? "" : period + ", ")
                .append(keys).toString();
    }

    /**
     * The finest rollup a question needs for the parts of its range shorter than a day, when every
     * bound of those parts is a whole UTC hour and every zone offset they are cut at whole hours
     * ({@code wholeHours}; an hour row then falls in one local hour): hourly by what when it groups,
     * splits and filters by nothing about who; hourly by who when by nothing about what (read beside
     * the daily rollup by who, {@link Rollups#dailyBeside}); else the 15-minute rollup.
     */
    static String subDay(Store store, UsageQuery q, Dimension split, boolean wholeHours) {
        if (!wholeHours) return "usage_rollup";
        boolean who = asksWho(q.by()) || (split != null && asksWho(split)) || needsPeople(q.by(), q) || q.identity() != null;
        if (!who) return Rollups.HOURLY;
        AnyOf f = q.anyOf();
        boolean what = asksWhat(q.by()) || (split != null && asksWhat(split)) || q.model() != null || q.source() != null
                || f.filtersModels() || !f.sources().isEmpty() || !f.projects().isEmpty() || !f.costCenters().isEmpty()
                || !f.regions().isEmpty();
        return what ? "usage_rollup" : Rollups.HOURLY_WHO;
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

    /** Whether a question needs each row's team: the people join, beside the aliases that name the person. */
    private static boolean needsTeams(Dimension by, UsageQuery q) {
        return by == Dimension.TEAM || q.by() == Dimension.TEAM || q.team() != null || !q.anyOf().teams().isEmpty();
    }

    /**
     * The joins a question needs: the aliases only when it groups or filters by person or team, and
     * people (each person's team) only when it asks of teams. Grouping millions of rollup rows by day
     * or model is several times faster without them, and a month by day split by person spends about
     * a tenth of its time on DuckDB joining people (measured). Exact: a person is one row of people
     * at most, so the left join adds and drops no row.
     */
    static String joins(Dimension by, UsageQuery q) {
        return joins(by, q, true);
    }

    /**
     * Whether a question (split by {@code split}, or null) must join the aliases: only when it asks of
     * people or teams and an alias may be stored ({@link Store#mayHaveAliases}, not asked otherwise).
     */
    static boolean aliased(Store store, UsageQuery q, Dimension split) {
        return !needsPeople(joinedBy(q, split), q) || store.mayHaveAliases();
    }

    /** The dimension whose joins a question (split by {@code split}, or null) needs: a split by person or team, else its own. */
    private static Dimension joinedBy(UsageQuery q, Dimension split) {
        return split == Dimension.USER || split == Dimension.TEAM ? split : q.by();
    }

    /** {@link #joins(Dimension, UsageQuery)}, the aliases left out where none is stored ({@code aliased} false). */
    private static String joins(Dimension by, UsageQuery q, boolean aliased) {
        if (!needsPeople(by, q)) return "";
        return needsTeams(by, q) ? Identities.people("r", aliased) : Identities.aliases("r", aliased);
    }

    /** The SQL expression a rollup row r is grouped by for a dimension (time dimensions: its bucket). */
    static String keyOf(Dimension d) {
        return keyOf(d, true);
    }

    /** {@link #keyOf(Dimension)}, a person read without the aliases where none is stored ({@code aliased} false). */
    static String keyOf(Dimension d, boolean aliased) {
        return switch (d) {
            case USER -> Identities.person("r", aliased);
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

    /**
     * A row of {@link #SUMS} cast to longs, starting at column {@code first}, as usage under a key;
     * null when a sum is NULL (none is: PostgreSQL fails the cast instead), for the caller to sum exactly.
     */
    static UsageRow longRow(ResultSet rs, int first, String key) throws SQLException {
        long[] v = new long[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = rs.getLong(first + i);
            if (v[i] == 0 && rs.wasNull()) return null;
        }
        return new UsageRow(key, v[0], v[1], new TokenCounts(v[2], v[3], v[4], v[5], v[6]), v[7], v[8], v[9]);
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
