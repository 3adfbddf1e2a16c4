package tally.store;

import tally.core.Bounds;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Usage per local day or hour, split by a second dimension (developer, team, model, source): the
 * stacked charts and sparklines. Reads the 15-minute rollup and lets the database cut local days:
 * the range is split where the zone's offset changes, and within each piece a bucket's local
 * period is (bucket + offset) truncated, which is exact because every offset is a multiple of 15 minutes.
 */
public final class UsageSeries {
    private static final long HOUR_MS = 3_600_000L;

    /** One point: a local period (its first day or hour), a split key, and the sums. */
    public record Point(LocalDateTime period, String split, UsageRow usage) {}

    private final Store store;
    private final boolean seeksRanges;

    public UsageSeries(Ledger ledger) {
        this(ledger.store());
    }

    UsageSeries(Store store) {
        this.store = store;
        this.seeksRanges = store.dialect().name().equals("postgresql");
    }

    /** q.by() is the step (DAY or HOUR); split is USER, TEAM, MODEL, SOURCE or null (none). Sorted by period, then cost. */
    public List<Point> query(UsageQuery q, Dimension split) {
        long step = switch (q.by()) {
            case DAY -> Ledger.DAY_MS;
            case HOUR -> HOUR_MS;
            default -> throw new IllegalArgumentException("a series steps by day or hour, not " + q.by());
        };
        List<long[]> pieces = constantOffsetPieces(q.from(), q.to(), q.zone());
        List<Point> out;
        try {
            out = byIdentity(q, split) ? people(q, pieces, step) : null;
            if (out == null) out = asPlanned(plan(q, split, pieces, step), pieces, step, plan -> joined(q, split, plan));
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        out.sort((x, y) -> !x.period().equals(y.period()) ? x.period().compareTo(y.period())
                : x.usage().costNanos() != y.usage().costNanos() ? Long.compare(y.usage().costNanos(), x.usage().costNanos())
                : x.split().compareTo(y.split()));
        return out;
    }

    /** The series with the joins its split and filters need, as {@code plan} reads it. */
    private List<Point> joined(UsageQuery q, Dimension split, Plan plan) throws SQLException {
        List<Point> read = new ArrayList<>();
        if (!read(q, plan, split, true, null, read)) {
            read.clear(); // a sum beyond the long sums (on PostgreSQL also a rollup row beyond a long): sum exactly, to refuse
            read(q, plan, split, false, null, read);
        }
        return plan.cut() ? merged(read) : read;
    }

    /** PostgreSQL's "numeric value out of range": a value does not fit the type cast to. */
    private static final String OUT_OF_RANGE = "22003";

    /** How DuckDB's driver begins the message of a value that does not fit the type cast to (it sets no SQL state). */
    private static final String DUCKDB_CONVERSION = "Conversion Error";

    /** A DuckDB 128-bit expression ({@code $1} of a replacement) as a long, as {@link #DUCKDB_LONG_SUMS} says why. */
    private static final String AS_LONG = "CAST(CAST($1 AS DECIMAL(18, 0)) AS BIGINT)";

    /**
     * {@link RollupRange#SUMS} as longs, on PostgreSQL. It sums each row's values as bigints, in a
     * 128-bit state several times smaller and faster than its numeric one, so a day split by person
     * (thousands of groups) neither spills its hash nor pays numeric arithmetic (88 -> 55 ms at 1M
     * records, measured). Each sum is then cast to a long, which the driver hands over as one instead
     * of a numeric parsed from text. A sum beyond a long fails that cast (as does a single rollup row
     * beyond one): the series is then summed exactly, for the reader to refuse.
     */
    private static final String LONG_SUMS = RollupRange.SUMS.replaceAll("sum\\((r\\.\\w+)\\)", "sum($1::int8)::int8");

    /**
     * {@link RollupRange#SUMS} as longs, on DuckDB: each 128-bit sum cast to an 18-digit decimal (held
     * in a long) and that to a BIGINT, which the driver hands over as a long (of a 128-bit sum it
     * builds a BigDecimal). Not cast to BIGINT directly: DuckDB divides a 128-bit decimal by its
     * scale's power of ten to make an integer, a 128-bit division per value that cost more than the
     * driver's decimals; to a decimal of the same scale it only checks the range. A month by day
     * split by person at 10M records, SQL and reading on one DuckDB thread: 27.4 -> 24.8 ms CPU a
     * call (old and new alternating, 80 each). A sum of 10^18 or more fails the cast: the series is
     * then summed exactly, which reads a sum up to a long's maximum and refuses one beyond.
     */
    private static final String DUCKDB_LONG_SUMS = RollupRange.SUMS.replaceAll("(sum\\(r\\.\\w+\\))", AS_LONG);

    /** Each of {@link Rollups#SUMS} of a row r, as stored. */
    private static final String VALUES = RollupRange.SUMS.replaceAll("sum\\((r\\.\\w+)\\)", "$1");

    /** Each of {@link Rollups#SUMS} of a row r as a long, as {@link #DUCKDB_LONG_SUMS} casts its sums. */
    private static final String DUCKDB_LONG_VALUES = RollupRange.SUMS.replaceAll("sum\\((r\\.\\w+)\\)", AS_LONG);

    /** Each of {@link Rollups#SUMS} of a row r as a long, on PostgreSQL: beyond one fails as {@link #LONG_SUMS} do. */
    private static final String LONG_VALUES = RollupRange.SUMS.replaceAll("sum\\((r\\.\\w+)\\)", "$1::int8");

    /**
     * Whether a series is split by person and asks nothing else of people (no person or team filter):
     * its rows are then grouped by identity alone and each identity's person resolved outside the
     * database ({@link #people}).
     */
    private static boolean byIdentity(UsageQuery q, Dimension split) {
        return split == Dimension.USER && !RollupRange.needsPeople(q.by(), q);
    }

    /**
     * The series split by person, grouped by period and identity in SQL with no joins, each identity
     * resolved to its person once ({@link PersonOf}) and the points of two identities of one person
     * (or of one local period read from two pieces) added up here. The four alias joins of every
     * rollup row cost more than reading the aliases apart: a month by day split by person at 10M
     * records on DuckDB, SQL and reading, 21.3 -> 16.8 ms CPU a call (old and new alternating, 150
     * each); on PostgreSQL its SQL alone about 52 -> 42 ms. Exact: a group's requests count its
     * records, so one whose requests sum to 0 holds none and every sum of it is 0, whether left out
     * per identity or per person. Null when a sum is beyond a long, here or once added up: the joined
     * SQL then sums per person, for the reader to refuse as before.
     */
    private List<Point> people(UsageQuery q, List<long[]> pieces, long step) throws SQLException {
        PersonOf personOf;
        try (Connection c = store.connection()) {
            personOf = PersonOf.read(c);
        }
        try {
            return asPlanned(plan(q, Dimension.USER, pieces, step), pieces, step, plan -> readPeople(q, plan, personOf));
        } catch (Bounds.OutOfRange e) {
            return null;
        }
    }

    private List<Point> readPeople(UsageQuery q, Plan plan, PersonOf personOf) throws SQLException {
        List<Point> read = new ArrayList<>();
        if (!read(q, plan, Dimension.USER, true, personOf, read)) {
            read.clear(); // a sum beyond what the long sums hold: sum exactly
            read(q, plan, Dimension.USER, false, personOf, read);
        }
        // kept days hold a row per identity and team: one identity's rows of a day are added up here too
        return plan.cut() || personOf.shared() || plan.localDays() != null ? merged(read) : read;
    }

    /** A read of the series as a {@link Plan} has it. */
    private interface PlannedRead<T> {
        T read(Plan plan) throws SQLException;
    }

    /**
     * Reads as {@code plan} has it, or all from the rollups by UTC bucket when the local days it
     * would read are no longer kept in its zone ({@link KeptDaysMoved}).
     */
    private static <T> T asPlanned(Plan plan, List<long[]> pieces, long step, PlannedRead<T> read) throws SQLException {
        try {
            return read.read(plan);
        } catch (KeptDaysMoved e) {
            return read.read(Plan.utc(pieces, step));
        }
    }

    /**
     * Thrown on PostgreSQL when the local days a plan would read are no longer kept in its zone: another
     * replica kept them anew (a server in another zone) or dropped them since this process last looked.
     * The question is then read from the rollups by UTC bucket. Rare, and cheap to notice: one row read.
     */
    private static final class KeptDaysMoved extends RuntimeException {
        KeptDaysMoved() {
            super(null, null, false, false);
        }
    }

    /**
     * What a series reads: its range as {@code pieces} of one zone offset each, stepping by {@code
     * step}, and the whole local days {@code localDays} (from, to as {@link LocalDays} keys them;
     * null for none) read from {@link LocalDays}. {@code cut}: whether a local period may be read
     * twice, whose points must then be added up.
     */
    private record Plan(List<long[]> pieces, long step, long[] localDays, boolean cut) {
        static Plan utc(List<long[]> pieces, long step) {
            return new Plan(pieces, step, null, pieces.size() > 1);
        }
    }

    /**
     * A series by day in the zone whose local days the store keeps, split (by {@code split}, or null)
     * and filtered by who and nothing of what: its whole local days from {@link LocalDays}, the partial
     * days at its edges from the rollups by UTC bucket. Any other: all from those.
     */
    private Plan plan(UsageQuery q, Dimension split, List<long[]> pieces, long step) {
        ZoneId zone = q.zone();
        if (step != Ledger.DAY_MS || !store.localDays().covers(zone)
                || !RollupRange.subDay(store, q, split, true).equals(Rollups.HOURLY_WHO)) return Plan.utc(pieces, step);
        LocalDate first = q.from().atZone(zone).toLocalDate();
        if (first.atStartOfDay(zone).toInstant().isBefore(q.from())) first = first.plusDays(1);
        LocalDate end = q.to().atZone(zone).toLocalDate();
        if (!first.isBefore(end)) return Plan.utc(pieces, step);
        List<long[]> before = constantOffsetPieces(q.from(), first.atStartOfDay(zone).toInstant(), zone);
        List<long[]> after = constantOffsetPieces(end.atStartOfDay(zone).toInstant(), q.to(), zone);
        List<long[]> edges = new ArrayList<>(before);
        edges.addAll(after);
        long[] days = {first.toEpochDay() * Ledger.DAY_MS, end.toEpochDay() * Ledger.DAY_MS};
        return new Plan(edges, step, days, before.size() > 1 || after.size() > 1);
    }

    /**
     * The points of a range cut by an offset change, those of a local period read from both pieces
     * added up. Only then: each piece's SQL already groups by period and key, and hashing thousands
     * of points was a fifth of a month split by person's Java time (profiled).
     */
    private static List<Point> merged(List<Point> read) {
        Map<PeriodSplit, Point> merged = new HashMap<>();
        for (Point p : read) {
            merged.merge(new PeriodSplit(p.period(), p.split()), p,
                    (x, y) -> new Point(x.period(), x.split(), x.usage().plus(y.usage())));
        }
        return new ArrayList<>(merged.values());
    }

    /** A point's key: the rows of a local period cut by an offset change are added up under it. */
    private record PeriodSplit(LocalDateTime period, String split) {
        @Override
        public int hashCode() { // spread: a record's 31 * day + "devN" collides across days and people
            return period.hashCode() * 0x9E3779B1 ^ split.hashCode();
        }
    }

    /**
     * Runs the series as {@code plan} reads it, its sums as longs or exact, grouped by identity and
     * keyed by the person {@code personOf} resolves when given, into {@code out} (a local period
     * that straddles an offset change once per piece); false when a sum read as a long was beyond one.
     */
    private boolean read(UsageQuery q, Plan plan, Dimension split, boolean longs, PersonOf personOf,
                         List<Point> out) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = sql(q, plan, split, longs, personOf != null, params);
        boolean[] fits = {true};
        try (Connection c = store.connection()) {
            if (seeksRanges) serially(c, plan.localDays() != null ? q.zone() : null);
            try {
                Jdbc.query(c, sql, params, rs -> {
                    LocalDateTime period = LocalDateTime.ofEpochSecond(Math.floorDiv(rs.getLong(1), 1000), 0, ZoneOffset.UTC);
                    String k = personOf != null ? personOf.of(rs.getString(2)) : rs.getString(2);
                    UsageRow row = longs ? RollupRange.longRow(rs, 3, k) : RollupRange.row(rs, 3, k);
                    if (row == null) fits[0] = false;
                    else out.add(new Point(period, row.key(), row));
                    return null;
                });
            } finally {
                if (seeksRanges) Jdbc.endReadOnly(c);
            }
        } catch (SQLException e) {
            if (longs && (OUT_OF_RANGE.equals(e.getSQLState())
                    || (!seeksRanges && e.getMessage() != null && e.getMessage().startsWith(DUCKDB_CONVERSION)))) return false;
            throw e;
        }
        return fits[0];
    }

    /**
     * The series' SQL: each piece's rollup rows grouped per local period and key ({@code byIdentity}:
     * the identity, for {@link #people}), and the kept local days' rows as they are.
     */
    private String sql(UsageQuery q, Plan plan, Dimension split, boolean longs, boolean byIdentity, List<Object> params) {
        String key = byIdentity ? "r.identity" : split == null ? "''" : splitKey(split);
        String joins = byIdentity ? "" : RollupRange.joins(split, q);
        String sums = !longs ? RollupRange.SUMS : seeksRanges ? LONG_SUMS : DUCKDB_LONG_SUMS;
        String nonzero = longs && seeksRanges ? "sum(r.requests::int8) <> 0" : "sum(r.requests) <> 0";
        StringBuilder sql = new StringBuilder();
        for (long[] piece : plan.pieces()) {
            if (sql.length() > 0) sql.append(" UNION ALL ");
            sql.append("SELECT r.period, ").append(key).append(", ").append(sums)
                    .append(" FROM (").append(rows(q, split, piece[0], piece[1], piece[2], plan.step(), params)).append(") r")
                    .append(joins);
            Where where = UsageFilters.of(q);
            params.addAll(where.params());
            sql.append(where.sql()).append(" GROUP BY 1, 2 HAVING ").append(nonzero);
        }
        if (plan.localDays() != null) {
            if (sql.length() > 0) sql.append(" UNION ALL ");
            if (byIdentity) { // a row per identity and team each day, as they are: an identity's rows are added up with its person's
                sql.append(LocalDays.rows("r.bucket_ms, r.identity, " + (!longs ? VALUES : seeksRanges ? LONG_VALUES : DUCKDB_LONG_VALUES),
                        plan.localDays(), UsageFilters.of(q), params));
            } else {
                sql.append(LocalDays.rows("r.bucket_ms, " + key + ", " + sums, joins, plan.localDays(), UsageFilters.of(q), params))
                        .append(" GROUP BY 1, 2 HAVING ").append(nonzero);
            }
        }
        return sql.toString();
    }

    /**
     * Plans the rest of this transaction (begun here) without parallel workers, on PostgreSQL. A series
     * sums thousands of rollup rows into thousands of groups, and the workers' partial sums, handed
     * to the leader as serialized 128-bit states, cost more than the split saves: a month by day split
     * by person at 10M records, 66-111 ms in parallel, 40-46 ms without (2 cores, loaded).
     * With {@code keptIn} (else null), the local days it reads are checked first ({@link #oneSnapshot}).
     */
    private static void serially(Connection c, ZoneId keptIn) throws SQLException {
        if (keptIn != null) oneSnapshot(c, keptIn);
        else c.setAutoCommit(false);
        Jdbc.update(c, "SET LOCAL max_parallel_workers_per_gather = 0");
    }

    /**
     * The people with usage on each local day in [from, to): the day's rows summed per identity on
     * one column (requests) and no joins, then the few (day, identity) pairs resolved to people. A
     * person has usage on a day when any of their identities has, as no identity's sum is negative.
     */
    public Map<LocalDate, Set<String>> activePeople(Instant from, Instant to, ZoneId zone) {
        UsageQuery q = UsageQuery.of(from, to, Dimension.DAY, zone);
        List<long[]> pieces = constantOffsetPieces(from, to, zone);
        try {
            return asPlanned(plan(q, Dimension.USER, pieces, Ledger.DAY_MS), pieces, Ledger.DAY_MS, plan -> activePeople(q, plan));
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    /** The people with usage on each local day, as {@code plan} reads the days. */
    private Map<LocalDate, Set<String>> activePeople(UsageQuery q, Plan plan) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder days = new StringBuilder();
        for (long[] piece : plan.pieces()) {
            if (days.length() > 0) days.append(" UNION ALL ");
            days.append("SELECT r.period, r.identity FROM (")
                    .append(rows(q, Dimension.USER, piece[0], piece[1], piece[2], Ledger.DAY_MS, params))
                    .append(") r GROUP BY r.period, r.identity HAVING sum(r.requests) > 0");
        }
        if (plan.localDays() != null) { // whole days kept in this zone: a row per identity with usage that day
            if (days.length() > 0) days.append(" UNION ALL ");
            days.append(LocalDays.rows("r.bucket_ms AS period, r.identity", plan.localDays(), new Where(), params));
        }
        Map<LocalDate, Set<String>> out = new TreeMap<>();
        if (days.length() == 0) return out;
        boolean checks = seeksRanges && plan.localDays() != null;
        try (Connection c = store.connection()) {
            if (checks) oneSnapshot(c, q.zone());
            try {
                // the pairs' identities resolved here, as the series by person does: no alias joins
                PersonOf personOf = PersonOf.read(c);
                Jdbc.query(c, "SELECT DISTINCT x.period, x.identity FROM (" + days + ") x", params,
                        rs -> out.computeIfAbsent(LocalDate.ofEpochDay(Math.floorDiv(rs.getLong(1), Ledger.DAY_MS)),
                                d -> new HashSet<>()).add(personOf.of(rs.getString(2))));
            } finally {
                if (checks) Jdbc.endReadOnly(c);
            }
        }
        return out;
    }

    /**
     * Begins a transaction on PostgreSQL whose statements all see the ledger as the first did (repeatable
     * read), and checks in it that the local days are still kept in {@code zone}: another replica may have
     * kept them anew (a server in another zone) or dropped them since this process last looked.
     */
    private static void oneSnapshot(Connection c, ZoneId zone) throws SQLException {
        c.setAutoCommit(false);
        Jdbc.update(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); // this transaction's alone
        if (!LocalDays.seen(c).covers(zone)) {
            Jdbc.endReadOnly(c);
            throw new KeptDaysMoved();
        }
    }

    /**
     * {@link Rollups#COLUMNS} with every sum negated: rows moved out of a day are read as negative
     * rows rather than with a sign to multiply by, which spared PostgreSQL a numeric multiplication
     * per column and row (a day split by person: about half the time, measured).
     */
    private static final String NEGATED = "bucket_ms, identity, team, model, source, -requests, -failed,"
            + " -input_tokens, -cache_write_5m_tokens, -cache_write_1h_tokens, -cache_read_tokens, -output_tokens,"
            + " -web_searches, -cost_nanos, -unpriced, project, region";

    /**
     * Rollup rows covering [lo, hi), where the zone's offset is {@code off}, each with its local
     * period (local time as epoch ms, truncated to {@code step}). By day, the whole UTC
     * days inside come from the daily rollup (by who beside the hourly rollup by who): each daily row counts for the local day it mostly
     * falls in, and only the 15-minute rows near UTC midnight that belong to the neighbouring local
     * day are moved over (added there, subtracted here). That reads a fraction of the 15-minute
     * rows, and is exact. The edges, the band and hours come from the finest rollup the question
     * needs ({@link RollupRange#subDay}): over whole hours in a whole-hour offset an hourly one, and
     * a question about no one reads the hourly rollup by what alone.
     */
    private String rows(UsageQuery q, Dimension split, long lo, long hi, long off, long step, List<Object> params) {
        long day = Ledger.DAY_MS;
        long hour = Ledger.HOUR_MS;
        String fine = RollupRange.subDay(store, q, split, lo % hour == 0 && hi % hour == 0 && off % hour == 0);
        long a = Math.floorDiv(lo + day - 1, day) * day;
        long b = Math.floorDiv(hi, day) * day;
        if (step != day || a >= b || fine.equals(Rollups.HOURLY)) return fine(fine, lo, hi, off, step, params);
        if (!seeksRanges) return oneFineScan(fine, lo, hi, a, b, off, params);
        StringBuilder sql = new StringBuilder();
        if (lo < a) sql.append(fine(fine, lo, a, off, step, params)).append(" UNION ALL ");
        sql.append("SELECT bucket_ms AS period, ").append(Rollups.COLUMNS)
                .append(" FROM ").append(Rollups.dailyBeside(fine)).append(" WHERE bucket_ms >= ? AND bucket_ms < ?");
        params.add(a);
        params.add(b);
        if (off != 0) {
            String local = "(bucket_ms + " + off + ")";
            sql.append(" UNION ALL SELECT ").append(local).append(" - (").append(local).append(" % ").append(day)
                    .append("), ").append(Rollups.COLUMNS).append(" FROM ").append(fine).append(" WHERE ").append(band(a, b, off, params));
            sql.append(" UNION ALL SELECT bucket_ms - (bucket_ms % ").append(day).append("), ").append(NEGATED)
                    .append(" FROM ").append(fine).append(" WHERE ").append(band(a, b, off, params));
        }
        if (b < hi) sql.append(" UNION ALL ").append(fine(fine, b, hi, off, step, params));
        return sql.toString();
    }

    /**
     * {@link #rows} by day on DuckDB, the fine rows that count for their own local day (the edges
     * [lo, a) and [b, hi), and the band moved in) read by one scan rather than three: they share
     * the rollup and the local day's expression. A month by day split by person at 10M records, SQL
     * and reading on one DuckDB thread: 24.8 -> 23.2 ms CPU a call (five branches and three alternating, 80 each).
     */
    private String oneFineScan(String fine, long lo, long hi, long a, long b, long off, List<Object> params) {
        long day = Ledger.DAY_MS;
        StringBuilder sql = new StringBuilder();
        if (lo < a || b < hi || off != 0) {
            String local = "(bucket_ms + " + off + ")";
            sql.append("SELECT ").append(local).append(" - (").append(local).append(" % ").append(day).append(") AS period, ")
                    .append(Rollups.COLUMNS).append(" FROM ").append(fine)
                    .append(" WHERE bucket_ms >= ? AND bucket_ms < ? AND (bucket_ms < ? OR bucket_ms >= ?")
                    .append(off == 0 ? "" : " OR " + moved(off)).append(") UNION ALL ");
            params.addAll(List.of(lo, hi, a, b));
        }
        sql.append("SELECT bucket_ms AS period, ").append(Rollups.COLUMNS)
                .append(" FROM ").append(Rollups.dailyBeside(fine)).append(" WHERE bucket_ms >= ? AND bucket_ms < ?");
        params.add(a);
        params.add(b);
        if (off != 0) {
            sql.append(" UNION ALL SELECT bucket_ms - (bucket_ms % ").append(day).append("), ").append(NEGATED)
                    .append(" FROM ").append(fine).append(" WHERE ").append(band(a, b, off, params));
        }
        return sql.toString();
    }

    /** Whether a bucket of a UTC day falls in the next local day (east of UTC) or the previous one (west). */
    private static String moved(long off) {
        long day = Ledger.DAY_MS;
        return off > 0 ? "bucket_ms % " + day + " >= " + (day - off) : "bucket_ms % " + day + " < " + (-off);
    }

    /** Beyond this many days the band is a modulo test rather than one range per day. */
    private static final long BAND_RANGES_MAX_DAYS = 400;

    /**
     * The 15-minute buckets of each UTC day in [a, b) whose local day is the next one (east of UTC)
     * or the previous one (west). PostgreSQL seeks its rollup index to one range per day; DuckDB
     * scans columns faster than it evaluates dozens of ranges, so it gets a modulo test.
     */
    private String band(long a, long b, long off, List<Object> params) {
        long day = Ledger.DAY_MS;
        if (!seeksRanges || (b - a) / day > BAND_RANGES_MAX_DAYS) {
            params.add(a);
            params.add(b);
            return "bucket_ms >= ? AND bucket_ms < ? AND " + moved(off);
        }
        StringBuilder sb = new StringBuilder("(");
        for (long d = a; d < b; d += day) {
            if (d > a) sb.append(" OR ");
            sb.append("(bucket_ms >= ? AND bucket_ms < ?)");
            params.add(off > 0 ? d + day - off : d);
            params.add(off > 0 ? d + day : d - off);
        }
        return sb.append(")").toString();
    }

    private static String fine(String rollup, long lo, long hi, long off, long step, List<Object> params) {
        params.add(lo);
        params.add(hi);
        String local = "(bucket_ms + " + off + ")";
        return "SELECT " + local + " - (" + local + " % " + step + ") AS period, " + Rollups.COLUMNS
                + " FROM " + rollup + " WHERE bucket_ms >= ? AND bucket_ms < ?";
    }

    /** [from, to) cut where the zone's offset changes: {start ms, end ms, offset ms} each. */
    static List<long[]> constantOffsetPieces(Instant from, Instant to, ZoneId zone) {
        List<long[]> out = new ArrayList<>();
        Instant at = from;
        while (at.isBefore(to)) {
            ZoneOffsetTransition next = zone.getRules().nextTransition(at);
            Instant end = next == null || !next.getInstant().isBefore(to) ? to : next.getInstant();
            out.add(new long[] {at.toEpochMilli(), end.toEpochMilli(),
                    zone.getRules().getOffset(at).getTotalSeconds() * 1000L});
            at = end;
        }
        return out;
    }

    /** What a series splits by: any dimension of the rollups but time and sessions. */
    private static String splitKey(Dimension split) {
        return switch (split) {
            case DAY, HOUR, WEEK, MONTH, SESSION -> throw new IllegalArgumentException(
                    "a series splits by person, team, model, source, project, cost center, key or region, not " + split);
            default -> RollupRange.keyOf(split);
        };
    }
}
