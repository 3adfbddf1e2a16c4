package tally.store;

import tally.core.Source;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Precedence by session. Token metrics are the coarsest report of a session's usage (they rank last),
 * so a session whose requests are reported one by one (OTel api_request events, transcripts, the
 * gateway) is metered from those alone: once such a record has arrived, even a copy of a request
 * counted under another session (a resumed or forked transcript), the metric-derived records stored
 * for the session near that time are taken back (a metric point is exported within a minute or two of
 * the requests it counts) and its later ones are not stored. Only one person's: a session id is
 * whatever a client sends, so a record takes back and blocks its own person's metrics only. Done in
 * the write transaction, set-wise, so it holds across restarts and replicas, in either arrival order.
 */
final class MeteredSessions {
    private MeteredSessions() {}

    private static final String METRIC = Source.OTEL_METRIC.label();

    /** One person's session metered request by request, and the source that said so first. */
    record Mark(String session, String identity, String source) {}

    /** Staged requests that meter their session: not metrics, not failed, with tokens. */
    private static final String METERING = "s.session_id IS NOT NULL AND s.source_rank < " + Source.OTEL_METRIC.rank()
            + " AND s.status < 400 AND s.input_tokens + s.cache_write_5m_tokens + s.cache_write_1h_tokens"
            + " + s.cache_read_tokens + s.output_tokens > 0";

    private static final String NOT_MARKED = "NOT EXISTS (SELECT 1 FROM metered_sessions m"
            + " WHERE m.session_id = s.session_id AND m.identity = s.identity)";

    /** Whether a record meters its session ({@link #METERING}). */
    private static boolean metering(UsageEvent e) {
        return e.sessionId() != null && e.source().rank() < Source.OTEL_METRIC.rank() && !e.failed() && e.tokens().total() > 0;
    }

    /** The sessions the records of {@code batch} meter and those of {@code kept} do not: copies dropped as duplicates in the batch. */
    static List<Mark> droppedMarks(List<UsageEvent> batch, List<UsageEvent> kept) {
        if (batch.size() == kept.size()) return List.of();
        Map<List<String>, Mark> marks = new LinkedHashMap<>();
        for (UsageEvent e : batch) {
            if (metering(e)) marks.putIfAbsent(List.of(e.sessionId(), e.identity()), new Mark(e.sessionId(), e.identity(), e.source().label()));
        }
        for (UsageEvent e : kept) if (metering(e)) marks.remove(List.of(e.sessionId(), e.identity()));
        return new ArrayList<>(marks.values());
    }

    /**
     * Marks the sessions the staged records (and {@code dropped}) meter, and takes back the stored
     * metric records of marked sessions in {@code wlo..whi}; returns how many. Call before staged
     * duplicates are dropped: a duplicate still says its session is metered by request.
     */
    static long takeBack(Connection c, List<UsageEvent> staged, List<Mark> dropped, long wlo, long whi, boolean aliased,
                         LocalDays local)
            throws SQLException {
        if (dropped.isEmpty() && staged.stream().noneMatch(MeteredSessions::metering)) return 0;
        long now = System.currentTimeMillis();
        if (Jdbc.onPostgres(c)) markListed(c, marks(staged, dropped), now);
        else markOnDuckDb(c, staged, dropped, now);
        return LedgerWriter.removeFound(c, markedMetricRecords(aliased), List.of(wlo, whi), local);
    }

    /** DuckDB: marks the sessions not marked yet, by a look-up per session where the stored marks are many. */
    private static void markOnDuckDb(Connection c, List<UsageEvent> staged, List<Mark> dropped, long now) throws SQLException {
        long stored = storedOnDuckDb(c);
        Map<List<String>, String> marks = stored > FEW_MARKS ? marks(staged, dropped) : null; // only where the look-up may win
        if (marks != null && bySession(stored, marks.size())) {
            markBySession(c, marks, now);
            return;
        }
        // grouped first, then each pair looked up, not every staged record anti-joined with the marks
        Jdbc.update(c, "INSERT INTO metered_sessions (session_id, identity, source, first_ms) SELECT s.session_id, s.identity,"
                + " s.source, ? FROM (SELECT s.session_id, s.identity, min(s.source) AS source FROM usage_staging s WHERE "
                + METERING + " GROUP BY s.session_id, s.identity) s WHERE " + NOT_MARKED, now);
        for (Mark m : dropped) {
            Jdbc.update(c, "INSERT INTO metered_sessions (session_id, identity, source, first_ms) SELECT ?, ?, ?, ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM metered_sessions WHERE session_id = ? AND identity = ?)",
                    m.session(), m.identity(), m.source(), now, m.session(), m.identity());
        }
    }

    /**
     * The stored metric records (id, ts_ms) in a window (two parameters) of the sessions their person's
     * marks say are metered. The source a literal: PostgreSQL reads the window's metric records alone,
     * through the index of the rare sources (V104), not every record of the window.
     */
    static String markedMetricRecords(boolean aliased) {
        return "SELECT DISTINCT l.id, l.ts_ms FROM usage_events l JOIN metered_sessions m ON m.session_id = l.session_id"
                + " WHERE l.ts_ms BETWEEN ? AND ? AND l.source = '" + METRIC + "' AND "
                + Identities.samePerson("l.identity", "m.identity", aliased);
    }

    /**
     * Stored marks per session of a batch past which its sessions are best found by session id. The
     * set-wise insert's NOT EXISTS reads every stored mark on DuckDB (about 20 ns a mark: 85-115 ms at
     * 5M); a look-up by a list of session ids goes through the index on session_id (V103) in about
     * 3 ms for 40 sessions and 9 ms for 400, whatever the table's size.
     */
    static final long MARKS_PER_SESSION = 1_000;
    /** Below this many stored marks the set-wise insert is always as quick. */
    static final long FEW_MARKS = 100_000;
    /** Session ids per look-up statement. */
    private static final int LOOKUP_CHUNK = 500;

    /** Whether a batch's {@code sessions} are best found by session id among {@code stored} marks. */
    static boolean bySession(long stored, int sessions) {
        return stored > Math.max(FEW_MARKS, sessions * MARKS_PER_SESSION);
    }

    /** How many marks DuckDB's statistics count (PostgreSQL marks from a list: {@link #markListed}). */
    static long storedOnDuckDb(Connection c) throws SQLException {
        List<Long> n = Jdbc.query(c, "SELECT estimated_size FROM duckdb_tables() WHERE table_name = 'metered_sessions'"
                + " AND schema_name = current_schema()", List.of(), rs -> rs.getLong(1));
        return n.isEmpty() ? 0 : n.get(0);
    }

    /**
     * The sessions to mark, each with the source that says so: the least of its staged records'
     * (as the set-wise insert takes it), else a dropped copy's.
     */
    private static Map<List<String>, String> marks(List<UsageEvent> staged, List<Mark> dropped) {
        Map<List<String>, String> marks = new LinkedHashMap<>();
        for (UsageEvent e : staged) {
            if (metering(e)) marks.merge(List.of(e.sessionId(), e.identity()), e.source().label(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        for (Mark m : dropped) marks.putIfAbsent(List.of(m.session(), m.identity()), m.source());
        return marks;
    }

    /**
     * PostgreSQL: marks the sessions not marked yet from their list, grouped here. Read from staging, a
     * 50,000-record batch's few thousand sessions cost a scan and a grouping of every staged record
     * (50-100 ms a batch at 1M records, none of them new once a session is marked).
     */
    private static void markListed(Connection c, Map<List<String>, String> marks, long now) throws SQLException {
        if (marks.isEmpty()) return;
        String[][] columns = new String[3][marks.size()];
        int i = 0;
        for (Map.Entry<List<String>, String> m : marks.entrySet()) {
            columns[0][i] = m.getKey().get(0);
            columns[1][i] = m.getKey().get(1);
            columns[2][i++] = m.getValue();
        }
        Jdbc.update(c, "INSERT INTO metered_sessions (session_id, identity, source, first_ms) SELECT u.s, u.i, u.src, ?"
                + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[]) AS u(s, i, src) ON CONFLICT (session_id, identity) DO NOTHING",
                now, c.createArrayOf("varchar", columns[0]), c.createArrayOf("varchar", columns[1]), c.createArrayOf("varchar", columns[2]));
    }

    /** Marks the sessions not marked yet, found among the stored marks by their session ids. */
    static void markBySession(Connection c, Map<List<String>, String> marks, long now) throws SQLException {
        List<String> sessions = marks.keySet().stream().map(k -> k.get(0)).distinct().toList();
        Map<List<String>, String> missing = new LinkedHashMap<>(marks);
        for (List<String> chunk : Jdbc.chunks(sessions, LOOKUP_CHUNK)) {
            Jdbc.query(c, "SELECT session_id, identity FROM metered_sessions WHERE session_id IN (" + Jdbc.marks(chunk.size()) + ")",
                    chunk, rs -> missing.remove(List.of(rs.getString(1), rs.getString(2))));
        }
        for (List<Map.Entry<List<String>, String>> chunk : Jdbc.chunks(new ArrayList<>(missing.entrySet()), LOOKUP_CHUNK)) {
            List<Object> values = new ArrayList<>();
            for (var m : chunk) values.addAll(List.of(m.getKey().get(0), m.getKey().get(1), m.getValue(), now));
            Jdbc.update(c, "INSERT INTO metered_sessions (session_id, identity, source, first_ms) VALUES "
                    + Jdbc.rowMarks(chunk.size(), 4), values.toArray());
        }
    }

    /** Drops the staged metric records of sessions metered by request; returns how many. */
    static long skipStaged(Connection c, List<UsageEvent> staged, boolean aliased) throws SQLException {
        if (staged.stream().noneMatch(e -> e.source() == Source.OTEL_METRIC && e.sessionId() != null)) return 0;
        return Jdbc.update(c, "DELETE FROM usage_staging WHERE id IN (SELECT s.id FROM usage_staging s"
                + " JOIN metered_sessions m ON m.session_id = s.session_id WHERE s.source = ? AND "
                + Identities.samePerson("s.identity", "m.identity", aliased) + ")", METRIC);
    }
}
