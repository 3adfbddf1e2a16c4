package tally.store;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** The questions asked of the ledger: usage from the rollups, and raw records where rollups cannot answer. */
final class LedgerQueries {
    private static final DateTimeFormatter HOUR_KEY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00");
    private static final String RAW_SUMS = "count(*), sum(CASE WHEN r.status >= 400 THEN 1 ELSE 0 END),"
            + " sum(r.input_tokens), sum(r.cache_write_5m_tokens), sum(r.cache_write_1h_tokens), sum(r.cache_read_tokens),"
            + " sum(r.output_tokens), sum(r.web_searches), coalesce(sum(r.cost_nanos), 0),"
            + " sum(CASE WHEN r.cost_nanos IS NULL THEN 1 ELSE 0 END)";

    private final Store store;

    LedgerQueries(Store store) {
        this.store = store;
    }

    <T> List<T> query(String sql, List<Object> params, Jdbc.RowMapper<T> mapper) {
        return Jdbc.query(store, sql, params, mapper, store::unavailable);
    }

    /** See {@link Ledger#usage}. */
    List<UsageRow> usage(UsageQuery q) {
        if (q.by() == Dimension.SESSION) return usageBySession(q);
        if (q.by() == Dimension.DAY || q.by() == Dimension.WEEK || q.by() == Dimension.MONTH) return usageByLocalDays(q);
        boolean byTime = q.by().isTime();
        boolean aliased = RollupRange.aliased(store, q, null);
        String key = RollupRange.keyOf(q.by(), aliased);
        List<Object> params = new ArrayList<>();
        String from = RollupRange.from(store, q, null, byTime, aliased, params);
        Where where = UsageFilters.of(q, aliased);
        params.addAll(where.params());
        String sql = "SELECT " + key + ", " + RollupRange.SUMS + from + where.sql() + " GROUP BY 1"
                + " HAVING sum(r.requests) <> 0"; // a superseded record leaves a zeroed rollup row behind
        List<UsageRow> rows = query(sql, params, rs -> RollupRange.row(rs, rs.getString(1)));
        if (byTime) rows = foldByLocalTime(rows, q.by(), q.zone());
        else sortByCost(rows);
        return rows;
    }

    /**
     * See {@link Ledger#costs}. One sum instead of ten: on DuckDB each sum of a rollup's 128-bit
     * columns costs about as much as the rest of the query (by person over a month at 10M records,
     * 9-13 -> 5-6 ms), and it drops the ones of the per-identity pre-sum no one reads. Time and
     * session questions, which {@link #usage} answers another way, are read from it.
     */
    Map<String, Long> costs(UsageQuery q) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (q.by().isTime() || q.by() == Dimension.SESSION) {
            for (UsageRow r : usage(q)) out.put(r.key(), r.costNanos());
            return out;
        }
        boolean aliased = RollupRange.aliased(store, q, null);
        List<Object> params = new ArrayList<>();
        String from = RollupRange.from(store, q, null, false, aliased, params);
        Where where = UsageFilters.of(q, aliased);
        params.addAll(where.params());
        String sql = "SELECT " + RollupRange.keyOf(q.by(), aliased) + ", sum(r.cost_nanos)" + from + where.sql() + " GROUP BY 1"
                + " HAVING sum(r.requests) <> 0"; // as usage: a superseded record leaves a zeroed rollup row behind
        query(sql, params, rs -> out.put(rs.getString(1), Sums.read(rs, 2, "cost in nano-dollars")));
        return out;
    }

    private static void sortByCost(List<UsageRow> rows) {
        rows.sort((x, y) -> x.costNanos() != y.costNanos()
                ? Long.compare(y.costNanos(), x.costNanos()) : x.key().compareTo(y.key()));
    }

    /** Local days from the series (daily rollup plus the edges), folded into weeks or months when asked. */
    private List<UsageRow> usageByLocalDays(UsageQuery q) {
        UsageQuery days = q.withBy(Dimension.DAY);
        Map<String, UsageRow> out = new TreeMap<>();
        for (UsageSeries.Point p : new UsageSeries(store).query(days, null)) {
            String k = localKey(p.period(), q.by());
            out.merge(k, p.usage().withKey(k), UsageRow::plus);
        }
        return new ArrayList<>(out.values());
    }

    /**
     * Usage per client session. Sessions are not in the rollups (there are too many), so this one
     * reads raw records; it serves a single developer's local history, where that is small.
     */
    private List<UsageRow> usageBySession(UsageQuery q) {
        Where where = UsageFilters.addTo(new Where().and("r.ts_ms >= ? AND r.ts_ms < ?",
                q.from().toEpochMilli(), q.to().toEpochMilli()), q);
        String sql = "SELECT coalesce(r.session_id, '(none)'), " + RAW_SUMS + " FROM usage_events r"
                + Identities.people("r") + where.sql() + " GROUP BY coalesce(r.session_id, '(none)')";
        List<UsageRow> rows = query(sql, where.params(), rs -> RollupRange.row(rs, rs.getString(1)));
        sortByCost(rows);
        return rows;
    }

    /** See {@link Ledger#totals}. */
    UsageRow totals(UsageQuery q) {
        List<Object> params = new ArrayList<>();
        // grouped by nothing: read as a question by model (the hourly rollup by what) unless it filters
        // by person or team, then as one by person (the rollups by who, when it filters by no model)
        UsageQuery any = q.withBy(RollupRange.needsPeople(Dimension.MODEL, q) ? Dimension.USER : Dimension.MODEL);
        boolean aliased = RollupRange.aliased(store, any, null);
        String from = RollupRange.from(store, any, null, false, aliased, params);
        Where where = UsageFilters.of(any, aliased);
        params.addAll(where.params());
        List<UsageRow> rows = query("SELECT 'total', " + RollupRange.SUMS + from + where.sql(), params,
                rs -> RollupRange.row(rs, "TOTAL"));
        return rows.isEmpty() ? UsageRow.empty("TOTAL") : rows.get(0);
    }

    /** See {@link Ledger#unpricedModels}. */
    Map<String, Long> unpricedModels(UsageQuery q) {
        List<Object> params = new ArrayList<>();
        UsageQuery any = q.withBy(Dimension.MODEL);
        boolean aliased = RollupRange.aliased(store, any, null);
        String from = RollupRange.from(store, any, null, false, aliased, params);
        Where where = UsageFilters.of(any, aliased);
        params.addAll(where.params());
        String sql = "SELECT r.model, sum(r.unpriced)" + from + where.sql()
                + " GROUP BY r.model HAVING sum(r.unpriced) > 0 ORDER BY r.model";
        Map<String, Long> out = new LinkedHashMap<>();
        query(sql, params, rs -> out.put(rs.getString(1), Sums.read(rs, 2, "unpriced requests")));
        return out;
    }

    /** See {@link Ledger#top}: the first page of {@link TopRequests}, unfiltered. */
    List<TopRequest> top(Instant from, Instant to, int limit) {
        if (limit <= 0) return List.of();
        List<TopRequest> out = new ArrayList<>();
        UsageQuery all = UsageQuery.of(from, to, Dimension.USER, ZoneOffset.UTC);
        for (TopRequests.Row r : new TopRequests(store).page(all, null, limit).rows()) out.add(r.request());
        return out;
    }

    /** See {@link Ledger#timeOf}. */
    Optional<Instant> timeOf(String id) {
        List<Long> t = query("SELECT min(ts_ms) FROM usage_events WHERE id = ?", List.of(id), rs -> Jdbc.nullableLong(rs, 1));
        return t.isEmpty() || t.get(0) == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(t.get(0)));
    }

    long countRecords() {
        return query("SELECT count(*) FROM usage_events", List.of(), rs -> rs.getLong(1)).get(0);
    }

    Map<String, Long> idCounts() {
        Map<String, Long> out = new HashMap<>();
        query("SELECT id, count(*) FROM usage_events GROUP BY id", List.of(), rs -> out.put(rs.getString(1), rs.getLong(2)));
        return out;
    }

    long scan(Instant from, Instant to, Ledger.Sink sink) throws Exception {
        return scan(UsageQuery.of(from, to, Dimension.USER, ZoneOffset.UTC), sink);
    }

    /** See {@link Ledger#scan(UsageQuery, Ledger.Sink)}. */
    long scan(UsageQuery q, Ledger.Sink sink) throws Exception {
        return stream(q, StagingColumns.LIST, rs -> sink.accept(event(rs)));
    }

    /** See {@link Ledger#scanForRequotes}. */
    long scanForRequotes(UsageQuery q, Consumer<Requote> sink) throws Exception {
        return stream(q, Requote.COLUMNS, rs -> sink.accept(Requote.read(rs)));
    }

    /** See {@link Ledger#identities}. */
    List<String> identities(Instant from, Instant to, String source) {
        Where where = between(from, to, source);
        return query("SELECT DISTINCT identity FROM usage_events" + where.sql(), where.params(), rs -> rs.getString(1));
    }

    /** See {@link Ledger#scanTimeline}. */
    long scanTimeline(Instant from, Instant to, String source, Collection<String> identities, Consumer<TimedUsage> sink)
            throws Exception {
        Where where = between(from, to, source);
        if (identities != null) where.in("identity", identities);
        TimedUsage.Columns columns = TimedUsage.Columns.of(
                query("SELECT DISTINCT model FROM usage_events" + where.sql(), where.params(), rs -> rs.getString(1)));
        return stream(columns.sql(), columns.params(), c -> where, rs -> sink.accept(columns.read(rs)));
    }

    /** Records of [from, to), of one source (its label) or of every one (null). */
    private static Where between(Instant from, Instant to, String source) {
        Where where = new Where().and("ts_ms >= ? AND ts_ms < ?", from.toEpochMilli(), to.toEpochMilli());
        if (source != null) where.and("source = ?", source);
        return where;
    }

    private interface RowSink {
        void accept(ResultSet rs) throws Exception;
    }

    /** The filters of a scan, made on its connection (person and team filters read the aliases first). */
    private interface Filters {
        Where on(Connection c) throws SQLException;
    }

    /** The columns of q's records in time order, one row at a time. */
    private long stream(UsageQuery q, String columns, RowSink sink) throws Exception {
        return stream(columns, List.of(), c -> RawFilters.addTo(c, q,
                new Where().and("ts_ms >= ? AND ts_ms < ?", q.from().toEpochMilli(), q.to().toEpochMilli())), sink);
    }

    /** The columns (with their parameters) of the records the filters keep, in time order, one row at a time. */
    private long stream(String columns, List<Object> columnParams, Filters filters, RowSink sink) throws Exception {
        long n = 0;
        try (Connection c = store.connection()) {
            Where where = filters.on(c);
            String sql = "SELECT " + columns + " FROM usage_events" + where.sql() + " ORDER BY ts_ms, id";
            List<Object> params = new ArrayList<>(columnParams);
            params.addAll(where.params());
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(10_000);
                Jdbc.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(rs);
                        n++;
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return n;
    }

    /** See {@link Ledger#session}. */
    UsageRow session(String sessionId, Instant from, Instant to) {
        String sql = "SELECT '', " + RAW_SUMS + " FROM usage_events r WHERE r.session_id = ? AND r.ts_ms >= ? AND r.ts_ms < ?";
        return query(sql, List.of(sessionId, from.toEpochMilli(), to.toEpochMilli()),
                rs -> RollupRange.row(rs, sessionId)).get(0);
    }

    /** A ledger row (columns in {@link StagingColumns#LIST} order) back into its event. */
    static UsageEvent event(ResultSet rs) throws SQLException {
        return UsageEvent.builder()
                .id(rs.getString(1))
                .time(Instant.ofEpochMilli(rs.getLong(2)))
                .source(Source.fromLabel(rs.getString(3)))
                .provider(rs.getString(5))
                .identity(rs.getString(6))
                .team(rs.getString(7))
                .project(rs.getString(8))
                .sessionId(rs.getString(9))
                .requestId(rs.getString(10))
                .model(rs.getString(11))
                .modelId(rs.getString(12))
                .tokens(new TokenCounts(rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17)))
                .webSearches(rs.getLong(18))
                .batch(rs.getBoolean(19))
                .fast(rs.getBoolean(20))
                .cost(Jdbc.nullableLong(rs, 21), rs.getString(22))
                .latencyMs(Jdbc.nullableLong(rs, 23))
                .status(rs.getInt(24))
                .region(rs.getString(25))
                .inferenceGeo(rs.getString(26))
                .build();
    }

    /**
     * Rollup buckets → local hours, days, weeks (starting Monday, keyed by their first day) or
     * months. Exact, since every zone offset is a multiple of 15 minutes.
     */
    private static List<UsageRow> foldByLocalTime(List<UsageRow> buckets, Dimension by, ZoneId zone) {
        Map<String, UsageRow> out = new TreeMap<>();
        for (UsageRow b : buckets) {
            LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(b.key())), zone);
            String k = localKey(local, by);
            out.merge(k, b.withKey(k), UsageRow::plus);
        }
        return new ArrayList<>(out.values());
    }

    static String localKey(LocalDateTime local, Dimension by) {
        return switch (by) {
            case HOUR -> HOUR_KEY.format(local.truncatedTo(ChronoUnit.HOURS));
            case DAY -> local.toLocalDate().toString();
            case WEEK -> local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
            case MONTH -> YearMonth.from(local).toString();
            default -> throw new IllegalArgumentException(by + " is not a time grouping");
        };
    }
}
