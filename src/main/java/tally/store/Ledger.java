package tally.store;

import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * The one query layer over the ledger and its rollups, the same SQL on both stores.
 *
 * <p>Writes are idempotent by record id, and one provider request id is stored once whichever
 * source reports it: a batch is bulk-loaded into staging, then probed against only the time window
 * it covers (plus a margin for request ids, since sources stamp the same request slightly apart),
 * so dedupe cost does not grow with the ledger.
 */
public final class Ledger {
    /** Rollup bucket: 15 minutes, the finest step of any zone offset. */
    public static final long BUCKET_MS = 15 * 60 * 1000;
    static final long DAY_MS = 24 * 60 * 60 * 1000;
    /** How far apart two sources may stamp the same provider request. */
    static final long REQUEST_ID_MARGIN_MS = 2 * 60 * 60 * 1000;

    /** A row's person: its identity's alias, else the identity itself (table r joined to aliases a). */
    static final String PERSON = "coalesce(a.person, r.identity)";
    /** A row's team: the source's tag, else the person's team (people p), else "(none)". */
    static final String TEAM = "coalesce(nullif(r.team, ''), p.team, '(none)')";
    private static final String JOIN_PEOPLE = " r LEFT JOIN aliases a ON a.alias = r.identity"
            + " LEFT JOIN people p ON p.name = coalesce(a.person, r.identity)";
    static final String SUMS = "sum(r.requests), sum(r.failed), sum(r.input_tokens), sum(r.cache_write_5m_tokens),"
            + " sum(r.cache_write_1h_tokens), sum(r.cache_read_tokens), sum(r.output_tokens), sum(r.web_searches),"
            + " sum(r.cost_nanos), sum(r.unpriced)";

    static final String ROLLUP_COLUMNS = "bucket_ms, identity, team, model, source, requests, failed,"
            + " input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens,"
            + " web_searches, cost_nanos, unpriced";

    private final Store store;
    private final Object writeLock = new Object();

    public Ledger(Store store) {
        this.store = store;
    }

    public Store store() {
        return store;
    }

    // ---------------------------------------------------------------- writes

    /** Writes a batch in one transaction; every record is either stored, or found already stored. */
    public WriteResult write(List<UsageEvent> batch) {
        return write(batch, null);
    }

    /**
     * Like {@link #write(List)}; {@code pricer} prices a telemetry record again when the counter
     * points it carries had to be counted again against the saved series state ({@link CounterSeries}).
     */
    public WriteResult write(List<UsageEvent> batch, UnaryOperator<UsageEvent> pricer) {
        if (batch.isEmpty()) return WriteResult.NONE;
        List<UsageEvent> events = dedupeWithinBatch(batch);
        long dropped = batch.size() - events.size();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        boolean anyRequestId = false;
        for (UsageEvent e : events) {
            long t = e.time().toEpochMilli();
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
            anyRequestId |= e.requestId() != null;
        }
        long from = lo;
        long to = hi;
        boolean probeRequests = anyRequestId;
        WriteResult r = inWriteTransaction(c -> writeInTransaction(c, events, from, to, probeRequests, pricer));
        return new WriteResult(r.added(), r.duplicates() + dropped, r.superseded());
    }

    /**
     * Runs ledger-changing work in one transaction, one writer at a time (this process's lock, and
     * the dialect's lock across processes), with staging tables ready and empty.
     */
    private <T> T inWriteTransaction(Store.Work<T> work) {
        synchronized (writeLock) {
            return store.inTransaction(c -> {
                store.dialect().lockWriters(c);
                store.dialect().prepareStaging(c);
                return work.run(c);
            });
        }
    }

    private WriteResult writeInTransaction(Connection c, List<UsageEvent> batch, long lo, long hi,
                                           boolean anyRequestId, UnaryOperator<UsageEvent> pricer) throws SQLException {
        List<UsageEvent> events = CounterSeries.apply(c, batch, pricer);
        long counted = batch.size() - events.size(); // counter points applied already: nothing new
        if (events.isEmpty()) return new WriteResult(0, counted, 0);
        Dialect dialect = store.dialect();
        dialect.load(c, "usage_staging", events);

        long duplicates = counted + update(c, "DELETE FROM usage_staging WHERE id IN (SELECT l.id FROM usage_events l"
                + " WHERE l.ts_ms BETWEEN ? AND ? AND l.id IN (SELECT id FROM usage_staging))", lo, hi);
        long superseded = 0;
        if (anyRequestId) {
            long wlo = lo - REQUEST_ID_MARGIN_MS;
            long whi = hi + REQUEST_ID_MARGIN_MS;
            duplicates += update(c, "DELETE FROM usage_staging WHERE request_id IN (SELECT s.request_id"
                    + " FROM usage_events l JOIN usage_staging s ON l.request_id = s.request_id"
                    + " WHERE l.ts_ms BETWEEN ? AND ? AND l.source_rank <= s.source_rank)", wlo, whi);
            superseded = supersede(c, wlo, whi);
        }
        long[] bySession = eventSessionsFirst(c, events);
        duplicates += bySession[0];
        superseded += bySession[1];
        long added = update(c, "INSERT INTO usage_events (" + StagingColumns.LIST + ") SELECT "
                + StagingColumns.LIST + " FROM usage_staging");
        addToRollup(c, "usage_staging", "", 1);
        return new WriteResult(added, duplicates, superseded);
    }

    /**
     * Telemetry precedence by session: a session that sends per-request events is metered from those
     * alone. Its first event record takes back the metric-derived records stored for it, and
     * metric-derived records of such a session are not stored. Done here, in the write transaction,
     * so it holds across restarts and replicas, and the OTLP path needs no store to answer.
     * Returns {metric records not stored, stored metric records taken back}.
     */
    private long[] eventSessionsFirst(Connection c, List<UsageEvent> events) throws SQLException {
        java.util.Set<String> sessions = new java.util.LinkedHashSet<>();
        boolean anyMetric = false;
        for (UsageEvent e : events) {
            if (e.sessionId() == null) continue;
            if (e.source() == tally.core.Source.OTEL_EVENT && !e.failed()) sessions.add(e.sessionId());
            anyMetric |= e.source() == tally.core.Source.OTEL_METRIC;
        }
        String metric = tally.core.Source.OTEL_METRIC.label();
        long takenBack = 0;
        List<String> all = new ArrayList<>(sessions);
        for (int i = 0; i < all.size(); i += 500) {
            List<String> fresh = markEventSessions(c, all.subList(i, Math.min(all.size(), i + 500)));
            if (fresh.isEmpty()) continue;
            String where = " WHERE source = ? AND session_id IN (" + "?, ".repeat(fresh.size() - 1) + "?)";
            Object[] params = new Object[fresh.size() + 1];
            params[0] = metric;
            for (int j = 0; j < fresh.size(); j++) params[j + 1] = fresh.get(j);
            addToRollup(c, "usage_events", where, -1, params);
            takenBack += update(c, "DELETE FROM usage_events" + where, params);
        }
        long skipped = !anyMetric ? 0 : update(c, "DELETE FROM usage_staging WHERE source = ?"
                + " AND session_id IN (SELECT session_id FROM otel_sessions)", metric);
        return new long[] {skipped, takenBack};
    }

    /** Saves the sessions not yet known to send events; returns those. */
    private static List<String> markEventSessions(Connection c, List<String> sessions) throws SQLException {
        java.util.Set<String> fresh = new java.util.LinkedHashSet<>(sessions);
        try (PreparedStatement ps = c.prepareStatement("SELECT session_id FROM otel_sessions WHERE session_id IN ("
                + "?, ".repeat(sessions.size() - 1) + "?)")) {
            bind(ps, sessions.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) fresh.remove(rs.getString(1));
            }
        }
        long now = System.currentTimeMillis();
        for (String s : fresh) update(c, "INSERT INTO otel_sessions (session_id, first_ms) VALUES (?, ?)", s, now);
        return new ArrayList<>(fresh);
    }

    /** Stored records of a request now reported by a higher-precedence source: out of rollups, then out. */
    private long supersede(Connection c, long wlo, long whi) throws SQLException {
        List<String> ids = new ArrayList<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        try (PreparedStatement ps = c.prepareStatement("SELECT l.id, l.ts_ms FROM usage_events l"
                + " JOIN usage_staging s ON l.request_id = s.request_id"
                + " WHERE l.ts_ms BETWEEN ? AND ? AND l.source_rank > s.source_rank")) {
            ps.setLong(1, wlo);
            ps.setLong(2, whi);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                    lo = Math.min(lo, rs.getLong(2));
                    hi = Math.max(hi, rs.getLong(2));
                }
            }
        }
        if (ids.isEmpty()) return 0;
        StringJoiner in = new StringJoiner(", ", "(", ")");
        ids.forEach(id -> in.add("?"));
        String where = " WHERE ts_ms BETWEEN ? AND ? AND id IN " + in;
        Object[] params = new Object[ids.size() + 2];
        params[0] = lo;
        params[1] = hi;
        for (int i = 0; i < ids.size(); i++) params[i + 2] = ids.get(i);
        addToRollup(c, "usage_events", where, -1, params);
        return update(c, "DELETE FROM usage_events" + where, params);
    }

    /** Adds (sign 1) or subtracts (sign -1) the records of a table to both rollups. */
    private void addToRollup(Connection c, String table, String where, int sign, Object... params) throws SQLException {
        addToRollup(c, "usage_rollup", BUCKET_MS, table, where, sign, params);
        addToRollup(c, "usage_rollup_daily", DAY_MS, table, where, sign, params);
    }

    /**
     * Folds a table's records into one rollup: aggregate into a small delta, add the delta to the rows
     * that exist (probing only the buckets it covers), insert the rest. Two plain statements instead
     * of an upsert, so DuckDB needs no index on the rollup.
     */
    private void addToRollup(Connection c, String rollup, long bucketMs, String table, String where, int sign,
                             Object... params) throws SQLException {
        String s = sign < 0 ? "-" : "";
        update(c, "DELETE FROM rollup_delta");
        long rows = update(c, "INSERT INTO rollup_delta (" + ROLLUP_COLUMNS + ")"
                + " SELECT ts_ms - (ts_ms % " + bucketMs + "), identity, coalesce(team, ''), model, source,"
                + s + "count(*), " + s + "sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END), "
                + s + "sum(input_tokens), " + s + "sum(cache_write_5m_tokens), " + s + "sum(cache_write_1h_tokens), "
                + s + "sum(cache_read_tokens), " + s + "sum(output_tokens), " + s + "sum(web_searches), "
                + s + "coalesce(sum(cost_nanos), 0), " + s + "sum(CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END)"
                + " FROM " + table + where
                + " GROUP BY ts_ms - (ts_ms % " + bucketMs + "), identity, coalesce(team, ''), model, source", params);
        if (rows == 0) return;
        long[] range = query(c, "SELECT min(bucket_ms), max(bucket_ms) FROM rollup_delta");
        String match = "r.bucket_ms = d.bucket_ms AND r.identity = d.identity AND r.team = d.team"
                + " AND r.model = d.model AND r.source = d.source AND r.bucket_ms BETWEEN ? AND ?";
        update(c, "UPDATE " + rollup + " r SET requests = r.requests + d.requests, failed = r.failed + d.failed,"
                + " input_tokens = r.input_tokens + d.input_tokens,"
                + " cache_write_5m_tokens = r.cache_write_5m_tokens + d.cache_write_5m_tokens,"
                + " cache_write_1h_tokens = r.cache_write_1h_tokens + d.cache_write_1h_tokens,"
                + " cache_read_tokens = r.cache_read_tokens + d.cache_read_tokens,"
                + " output_tokens = r.output_tokens + d.output_tokens, web_searches = r.web_searches + d.web_searches,"
                + " cost_nanos = r.cost_nanos + d.cost_nanos, unpriced = r.unpriced + d.unpriced"
                + " FROM rollup_delta d WHERE " + match, range[0], range[1]);
        update(c, "INSERT INTO " + rollup + " (" + ROLLUP_COLUMNS + ") SELECT " + ROLLUP_COLUMNS + " FROM rollup_delta d"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + rollup + " r WHERE " + match + ")", range[0], range[1]);
    }

    private static long[] query(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * Bulk-loads records straight into the ledger: no dedupe, no rollups. The floor that
     * {@link #write} is measured against in the benchmarks; nothing else should call it.
     */
    public void appendWithoutChecks(List<UsageEvent> events) {
        try (Connection c = store.connection()) {
            store.dialect().load(c, "usage_events", events);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    /** One record per id, and one per provider request id (the highest-precedence source wins). */
    static List<UsageEvent> dedupeWithinBatch(List<UsageEvent> batch) {
        Map<String, UsageEvent> byId = new LinkedHashMap<>(batch.size() * 2);
        boolean anyRequestId = false;
        for (UsageEvent e : batch) {
            byId.putIfAbsent(e.id(), e);
            anyRequestId |= e.requestId() != null;
        }
        if (!anyRequestId) return new ArrayList<>(byId.values());
        Map<String, UsageEvent> byRequest = new HashMap<>();
        for (UsageEvent e : byId.values()) {
            if (e.requestId() == null) continue;
            byRequest.merge(e.requestId(), e, (a, b) -> b.source().rank() < a.source().rank() ? b : a);
        }
        List<UsageEvent> out = new ArrayList<>(byId.size());
        for (UsageEvent e : byId.values()) {
            if (e.requestId() == null || byRequest.get(e.requestId()) == e) out.add(e);
        }
        return out;
    }

    /**
     * Prices stored records again (after a price correction), one UTC day at a time: records whose
     * model, cost or catalog version change are taken out of the rollups, replaced, and put back.
     * Returns how many records changed.
     */
    public long reprice(Instant from, Instant to, UnaryOperator<UsageEvent> pricer) {
        long changed = 0;
        long start = Math.floorDiv(from.toEpochMilli(), DAY_MS) * DAY_MS;
        for (long day = start; day < to.toEpochMilli(); day += DAY_MS) {
            long lo = Math.max(day, from.toEpochMilli());
            long hi = Math.min(day + DAY_MS, to.toEpochMilli()) - 1;
            List<UsageEvent> repriced = new ArrayList<>();
            scanQuietly(Instant.ofEpochMilli(lo), Instant.ofEpochMilli(hi + 1), e -> {
                UsageEvent p = pricer.apply(e);
                if (!java.util.Objects.equals(p.costNanos(), e.costNanos()) || !p.model().equals(e.model())
                        || !java.util.Objects.equals(p.catalogVersion(), e.catalogVersion())) {
                    repriced.add(p);
                }
            });
            if (!repriced.isEmpty()) changed += replace(repriced, lo, hi);
        }
        return changed;
    }

    private long replace(List<UsageEvent> events, long lo, long hi) {
        return inWriteTransaction(c -> {
            store.dialect().load(c, "usage_staging", events);
            String where = " WHERE ts_ms BETWEEN ? AND ? AND id IN (SELECT id FROM usage_staging)";
            addToRollup(c, "usage_events", where, -1, lo, hi);
            update(c, "DELETE FROM usage_events" + where, lo, hi);
            long n = update(c, "INSERT INTO usage_events (" + StagingColumns.LIST + ") SELECT "
                    + StagingColumns.LIST + " FROM usage_staging");
            addToRollup(c, "usage_staging", "", 1);
            return n;
        });
    }

    private void scanQuietly(Instant from, Instant to, java.util.function.Consumer<UsageEvent> sink) {
        try {
            scan(from, to, sink::accept);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // a Consumer cannot throw checked exceptions
        }
    }

    /** Receives streamed records; may fail with what it writes to (an export's file, say). */
    public interface Sink {
        void accept(UsageEvent e) throws Exception;
    }

    /**
     * Streams the stored records of [from, to) in time order, as the events they were written as,
     * never holding more than one row; returns how many. A sink's own failure comes out as thrown.
     */
    public long scan(Instant from, Instant to, Sink sink) throws Exception {
        return scan(UsageQuery.of(from, to, Dimension.USER, java.time.ZoneOffset.UTC), sink);
    }

    /** As {@link #scan(Instant, Instant, Sink)}, only the records matching q's filters. */
    public long scan(UsageQuery q, Sink sink) throws Exception {
        long n = 0;
        try (Connection c = store.connection()) {
            List<Object> params = new ArrayList<>(List.of(q.from().toEpochMilli(), q.to().toEpochMilli()));
            StringBuilder where = new StringBuilder(" WHERE ts_ms >= ? AND ts_ms < ?");
            RawFilters.append(c, q, where, params);
            String sql = "SELECT " + StagingColumns.LIST + " FROM usage_events" + where + " ORDER BY ts_ms, id";
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(10_000);
                RawFilters.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(event(rs));
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

    /**
     * One client session's records in [from, to), as one row keyed by the session id. Reads raw
     * records, bounded by time: for a status line, where the session is recent.
     */
    public UsageRow session(String sessionId, Instant from, Instant to) {
        String sql = "SELECT '', count(*), sum(CASE WHEN r.status >= 400 THEN 1 ELSE 0 END),"
                + " sum(r.input_tokens), sum(r.cache_write_5m_tokens), sum(r.cache_write_1h_tokens), sum(r.cache_read_tokens),"
                + " sum(r.output_tokens), sum(r.web_searches), coalesce(sum(r.cost_nanos), 0),"
                + " sum(CASE WHEN r.cost_nanos IS NULL THEN 1 ELSE 0 END)"
                + " FROM usage_events r WHERE r.session_id = ? AND r.ts_ms >= ? AND r.ts_ms < ?";
        return query(sql, List.of(sessionId, from.toEpochMilli(), to.toEpochMilli()), rs -> row(rs, sessionId)).get(0);
    }

    /** A ledger row (columns in {@link StagingColumns#LIST} order) back into its event. */
    private static UsageEvent event(ResultSet rs) throws SQLException {
        return UsageEvent.builder()
                .id(rs.getString(1))
                .time(Instant.ofEpochMilli(rs.getLong(2)))
                .source(tally.core.Source.fromLabel(rs.getString(3)))
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
                .cost(nullableLong(rs, 21), rs.getString(22))
                .latencyMs(nullableLong(rs, 23))
                .status(rs.getInt(24))
                .build();
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    // ---------------------------------------------------------------- reads

    /** Usage grouped as asked, read from rollups only, sorted by cost (or by time for day and hour). */
    public List<UsageRow> usage(UsageQuery q) {
        if (q.by() == Dimension.SESSION) return usageBySession(q);
        if (q.by() == Dimension.DAY || q.by() == Dimension.WEEK || q.by() == Dimension.MONTH) return usageByLocalDays(q);
        boolean byTime = q.by().isTime();
        String key = keyOf(q.by());
        List<Object> params = new ArrayList<>();
        String sql = "SELECT " + key + ", " + SUMS + from(q, byTime, params) + filters(q, params) + " GROUP BY " + key
                + " HAVING sum(r.requests) <> 0"; // a superseded record leaves a zeroed rollup row behind
        List<UsageRow> rows = query(sql, params, rs -> row(rs, rs.getString(1)));
        if (byTime) rows = foldByLocalTime(rows, q.by(), q.zone());
        else rows.sort((x, y) -> x.costNanos() != y.costNanos()
                ? Long.compare(y.costNanos(), x.costNanos()) : x.key().compareTo(y.key()));
        return rows;
    }

    /** The SQL expression a rollup row r is grouped by for a dimension (time dimensions: its bucket). */
    static String keyOf(Dimension d) {
        return switch (d) {
            case USER -> PERSON;
            case TEAM -> TEAM;
            case MODEL -> "r.model";
            case SOURCE -> "r.source";
            case DAY, HOUR, WEEK, MONTH -> "r.bucket_ms";
            case SESSION -> throw new IllegalStateException("sessions are not in the rollups");
        };
    }

    /** Local days from the series (daily rollup plus the edges), folded into weeks or months when asked. */
    private List<UsageRow> usageByLocalDays(UsageQuery q) {
        UsageQuery days = q.withBy(Dimension.DAY);
        Map<String, UsageRow> out = new java.util.TreeMap<>();
        for (UsageSeries.Point p : new UsageSeries(this).query(days, null)) {
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
        List<Object> params = new ArrayList<>(List.of(q.from().toEpochMilli(), q.to().toEpochMilli()));
        String sql = "SELECT coalesce(r.session_id, '(none)'), count(*), sum(CASE WHEN r.status >= 400 THEN 1 ELSE 0 END),"
                + " sum(r.input_tokens), sum(r.cache_write_5m_tokens), sum(r.cache_write_1h_tokens), sum(r.cache_read_tokens),"
                + " sum(r.output_tokens), sum(r.web_searches), coalesce(sum(r.cost_nanos), 0),"
                + " sum(CASE WHEN r.cost_nanos IS NULL THEN 1 ELSE 0 END)"
                + " FROM usage_events r LEFT JOIN aliases a ON a.alias = r.identity"
                + " LEFT JOIN people p ON p.name = coalesce(a.person, r.identity)"
                + " WHERE r.ts_ms >= ? AND r.ts_ms < ?" + filters(q, params).replace(" WHERE 1 = 1", "")
                + " GROUP BY coalesce(r.session_id, '(none)')";
        List<UsageRow> rows = query(sql, params, rs -> row(rs, rs.getString(1)));
        rows.sort((x, y) -> x.costNanos() != y.costNanos()
                ? Long.compare(y.costNanos(), x.costNanos()) : x.key().compareTo(y.key()));
        return rows;
    }

    /** Everything in the range as one row. */
    public UsageRow totals(UsageQuery q) {
        List<Object> params = new ArrayList<>();
        UsageQuery any = q.withBy(Dimension.MODEL);
        List<UsageRow> rows = query("SELECT 'total', " + SUMS + from(any, false, params) + filters(any, params), params,
                rs -> row(rs, "TOTAL"));
        return rows.isEmpty() ? UsageRow.empty("TOTAL") : rows.get(0);
    }

    /** Models with records that could not be priced, with how many. */
    public Map<String, Long> unpricedModels(UsageQuery q) {
        List<Object> params = new ArrayList<>();
        UsageQuery any = q.withBy(Dimension.MODEL);
        String sql = "SELECT r.model, sum(r.unpriced)" + from(any, false, params) + filters(any, params)
                + " GROUP BY r.model HAVING sum(r.unpriced) > 0 ORDER BY r.model";
        Map<String, Long> out = new LinkedHashMap<>();
        query(sql, params, rs -> out.put(rs.getString(1), Sums.read(rs, 2, "unpriced requests")));
        return out;
    }

    /** The most expensive records in [from, to); unpriced ones come after every priced one. */
    public List<TopRequest> top(Instant from, Instant to, int limit) {
        String sql = "SELECT l.id, l.ts_ms, coalesce(a.person, l.identity), l.source, l.model, l.request_id,"
                + " l.session_id, l.input_tokens, l.cache_write_5m_tokens, l.cache_write_1h_tokens,"
                + " l.cache_read_tokens, l.output_tokens, l.cost_nanos, l.status"
                + " FROM (SELECT * FROM usage_events WHERE ts_ms >= ? AND ts_ms < ?"
                + " ORDER BY cost_nanos DESC NULLS LAST, ts_ms DESC, id LIMIT ?) l"
                + " LEFT JOIN aliases a ON a.alias = l.identity"
                + " ORDER BY l.cost_nanos DESC NULLS LAST, l.ts_ms DESC, l.id";
        return query(sql, List.of(from.toEpochMilli(), to.toEpochMilli(), limit), rs -> new TopRequest(
                rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7),
                new TokenCounts(rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)),
                nullableLong(rs, 13), rs.getInt(14)));
    }

    /**
     * When the record with this id happened, if it is stored. A full scan of one column: for the
     * rare caller that knows an id but not its time (ids are time-stable everywhere else).
     */
    public java.util.Optional<Instant> timeOf(String id) {
        List<Long> t = query("SELECT min(ts_ms) FROM usage_events WHERE id = ?", List.of(id), rs -> {
            long v = rs.getLong(1);
            return rs.wasNull() ? null : v;
        });
        return t.isEmpty() || t.get(0) == null ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(t.get(0)));
    }

    /** Raw record count; for tests and doctors, not for reports. */
    public long countRecords() {
        return query("SELECT count(*) FROM usage_events", List.of(), rs -> rs.getLong(1)).get(0);
    }

    /** How many stored records carry this id; for tests of exactly-once. */
    public Map<String, Long> idCounts() {
        Map<String, Long> out = new HashMap<>();
        query("SELECT id, count(*) FROM usage_events GROUP BY id", List.of(), rs -> out.put(rs.getString(1), rs.getLong(2)));
        return out;
    }

    /**
     * The rollup rows that cover [from, to) exactly: whole UTC days from the daily rollup, the
     * partial days at either edge from the 15-minute one (or only the 15-minute one when asked).
     */
    static String from(UsageQuery q, boolean fine, List<Object> params) {
        String join = joins(q.by(), q);
        long lo = q.from().toEpochMilli();
        long hi = q.to().toEpochMilli();
        long dayLo = Math.floorDiv(lo + DAY_MS - 1, DAY_MS) * DAY_MS;
        long dayHi = Math.floorDiv(hi, DAY_MS) * DAY_MS;
        if (fine || dayLo >= dayHi) {
            params.addAll(List.of(lo, hi));
            return " FROM (SELECT * FROM usage_rollup WHERE bucket_ms >= ? AND bucket_ms < ?)" + join;
        }
        params.addAll(List.of(dayLo, dayHi, lo, dayLo, dayHi, hi));
        return " FROM (SELECT * FROM usage_rollup_daily WHERE bucket_ms >= ? AND bucket_ms < ?"
                + " UNION ALL SELECT * FROM usage_rollup WHERE (bucket_ms >= ? AND bucket_ms < ?)"
                + " OR (bucket_ms >= ? AND bucket_ms < ?))" + join;
    }

    /**
     * The joins a question needs: people and aliases only when it groups or filters by person or
     * team. Grouping millions of rollup rows by day or model is several times faster without them.
     */
    static String joins(Dimension by, UsageQuery q) {
        boolean people = by == Dimension.USER || by == Dimension.TEAM || by == Dimension.SESSION
                || q.person() != null || q.team() != null || q.anyOf().needsPeople();
        return people ? JOIN_PEOPLE : " r";
    }

    /** The query's filters as a WHERE clause over a rollup or ledger row r (aliases a, people p). */
    static String filters(UsageQuery q, List<Object> params) {
        StringBuilder w = new StringBuilder(" WHERE 1 = 1");
        if (q.person() != null) { w.append(" AND ").append(PERSON).append(" = ?"); params.add(q.person()); }
        if (q.team() != null) { w.append(" AND ").append(TEAM).append(" = ?"); params.add(q.team()); }
        if (q.model() != null) { w.append(" AND r.model = ?"); params.add(q.model()); }
        if (q.source() != null) sourceFilter("r.source", q.source(), w, params);
        if (q.identity() != null) { w.append(" AND r.identity = ?"); params.add(q.identity()); }
        anyOf(q.anyOf(), PERSON, TEAM, "r.model", "r.source", w, params);
        return w.toString();
    }

    /** The any-of filters over the given expressions for a row's person, team, model and source. */
    static void anyOf(AnyOf f, String person, String team, String model, String source, StringBuilder w, List<Object> params) {
        if (!f.people().isEmpty()) inList(person, f.people(), w, params);
        if (!f.teams().isEmpty()) inList(team, f.teams(), w, params);
        modelFilter(f, model, w, params);
        if (!f.sources().isEmpty()) {
            List<String> labels = new ArrayList<>();
            for (String s : f.sources()) labels.addAll(tally.core.Source.labelsCovered(s));
            inList(source, labels, w, params);
        }
    }

    /** Exact models or families (substrings of the stored id), any of them. */
    static void modelFilter(AnyOf f, String model, StringBuilder w, List<Object> params) {
        if (!f.filtersModels()) return;
        StringJoiner any = new StringJoiner(" OR ", " AND (", ")");
        if (!f.models().isEmpty()) {
            any.add(model + " IN (" + "?, ".repeat(f.models().size() - 1) + "?)");
            params.addAll(f.models());
        }
        for (String family : f.modelFamilies()) {
            any.add("strpos(" + model + ", ?) > 0");
            params.add(family);
        }
        w.append(any);
    }

    private static void inList(String column, List<String> values, StringBuilder w, List<Object> params) {
        w.append(" AND ").append(column).append(" IN (").append("?, ".repeat(values.size() - 1)).append("?)");
        params.addAll(values);
    }

    /** A source filter: one stored label, or the several that one name covers ("otel"). */
    static void sourceFilter(String column, String source, StringBuilder where, List<Object> params) {
        List<String> labels = tally.core.Source.labelsCovered(source);
        where.append(" AND ").append(column).append(" IN (").append("?, ".repeat(labels.size() - 1)).append("?)");
        params.addAll(labels);
    }

    static UsageRow row(ResultSet rs, String key) throws SQLException {
        return new UsageRow(key, Sums.read(rs, 2, "requests"), Sums.read(rs, 3, "failed requests"),
                new TokenCounts(Sums.read(rs, 4, "input tokens"), Sums.read(rs, 5, "cache write 5m tokens"),
                        Sums.read(rs, 6, "cache write 1h tokens"), Sums.read(rs, 7, "cache read tokens"),
                        Sums.read(rs, 8, "output tokens")),
                Sums.read(rs, 9, "web searches"), Sums.read(rs, 10, "cost in nano-dollars"), Sums.read(rs, 11, "unpriced requests"));
    }

    /**
     * Rollup buckets → local hours, days, weeks (starting Monday, keyed by their first day) or
     * months. Exact, since every zone offset is a multiple of 15 minutes.
     */
    private static List<UsageRow> foldByLocalTime(List<UsageRow> buckets, Dimension by, ZoneId zone) {
        Map<String, UsageRow> out = new java.util.TreeMap<>();
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
            case WEEK -> local.toLocalDate().with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY)).toString();
            case MONTH -> java.time.YearMonth.from(local).toString();
            default -> throw new IllegalArgumentException(by + " is not a time grouping");
        };
    }

    private static final DateTimeFormatter HOUR_KEY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00");

    // ---------------------------------------------------------------- plumbing

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    <T> List<T> query(String sql, List<Object> params, RowMapper<T> mapper) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params.toArray());
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(mapper.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    private static long update(Connection c, String sql, Object... params) throws SQLException {
        if (params.length == 0) {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Long l) ps.setLong(i + 1, l);
            else if (p instanceof Integer n) ps.setInt(i + 1, n);
            else ps.setString(i + 1, (String) p);
        }
    }

}
