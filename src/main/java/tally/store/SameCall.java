package tally.store;

import tally.core.Source;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One call reported by a provider's invocation log and by Claude Code's telemetry. In Bedrock mode
 * the two share no request id (Claude Code's api_request event carries {@code request_id} only when
 * a gateway adds a {@code request-id} header; Bedrock sends only x-amzn-RequestId), so they are
 * matched by model, the four token counts and time. The provider's log is kept (it outranks
 * telemetry), and it takes the person the telemetry names: a shared identity (an IAM role many
 * developers assume, a shared API key) says who paid, the telemetry says who worked. Each record
 * matches at most one other, the nearest in time.
 */
final class SameCall {
    /** How far apart the two may be stamped: the log at the call, telemetry when it ends (plus its duration). */
    static final long WINDOW_MS = 30_000;
    /** Telemetry durations count up to this much more (a long streamed answer). */
    private static final long PROBE_MARGIN_MS = 15 * 60 * 1000;

    /** The telemetry's person, and its team, project and session where the log has none (typed: a null is a VARCHAR). */
    private static final String TAKE_TELEMETRYS = "identity = CAST(? AS VARCHAR), team = coalesce(team, CAST(? AS VARCHAR)),"
            + " project = coalesce(project, CAST(? AS VARCHAR)), session_id = coalesce(session_id, CAST(? AS VARCHAR))";

    private SameCall() {}

    private record Pair(String stagedId, String storedId, String identity, String team, String project,
                        String session, long apartMs) {}

    /** Returns {staged telemetry records not stored, stored telemetry records taken back}. */
    static long[] apply(Connection c, long lo, long hi, LocalDays local) throws SQLException {
        long taken = telemetryStoredFirst(c, lo, hi, local);
        long dropped = logStoredFirst(c, lo, hi, local);
        return new long[] {dropped, taken};
    }

    /** Staged log records take the person of the stored telemetry of the same call, which goes. */
    private static long telemetryStoredFirst(Connection c, long lo, long hi, LocalDays local) throws SQLException {
        List<Pair> pairs = pairs(c, "usage_staging", Source.PROVIDER_LOG, "usage_events", Source.OTEL_EVENT, lo, hi);
        if (pairs.isEmpty()) return 0;
        List<String> gone = new ArrayList<>();
        for (Pair p : pairs) {
            Jdbc.update(c, "UPDATE usage_staging SET " + TAKE_TELEMETRYS + " WHERE id = ?", p.identity(), p.team(), p.project(), p.session(), p.stagedId());
            gone.add(p.storedId());
        }
        return LedgerWriter.remove(c, new Where().and("ts_ms BETWEEN ? AND ?", lo - PROBE_MARGIN_MS, hi + PROBE_MARGIN_MS)
                .in("id", gone), local);
    }

    /** Staged telemetry of a call whose log is stored is not stored; the stored log takes its person. */
    private static long logStoredFirst(Connection c, long lo, long hi, LocalDays local) throws SQLException {
        List<Pair> pairs = pairs(c, "usage_staging", Source.OTEL_EVENT, "usage_events", Source.PROVIDER_LOG, lo, hi);
        for (Pair p : pairs) {
            Where one = new Where().and("ts_ms BETWEEN ? AND ?", lo - PROBE_MARGIN_MS, hi + PROBE_MARGIN_MS).and("id = ?", p.storedId());
            Rollups.add(c, "usage_events", one, -1, local);
            Jdbc.update(c, "UPDATE usage_events SET " + TAKE_TELEMETRYS + " WHERE id = ?", p.identity(), p.team(), p.project(), p.session(), p.storedId());
            Rollups.add(c, "usage_events", one, 1, local);
            Jdbc.update(c, "DELETE FROM usage_staging WHERE id = ?", p.stagedId());
        }
        return pairs.size();
    }

    /**
     * The candidate pairs' query; parameters: the stored side's window (two) and how far apart the two may
     * be. The sources literals: PostgreSQL reads a provider's stored log records alone, through the
     * index of the rare sources (V104), not every record of the window.
     */
    static String pairsSql(String stagedTable, Source staged, String storedTable, Source stored) {
        String t = staged == Source.OTEL_EVENT ? "s" : "l"; // the telemetry side
        return "SELECT s.id, l.id, " + t + ".identity, " + t + ".team, " + t + ".project, "
                + t + ".session_id, abs(s.ts_ms - l.ts_ms) FROM " + stagedTable + " s JOIN " + storedTable + " l"
                + " ON l.model = s.model AND l.input_tokens = s.input_tokens AND l.output_tokens = s.output_tokens"
                + " AND l.cache_read_tokens = s.cache_read_tokens"
                + " AND l.cache_write_5m_tokens + l.cache_write_1h_tokens = s.cache_write_5m_tokens + s.cache_write_1h_tokens"
                + " WHERE s.source = '" + staged.label() + "' AND l.source = '" + stored.label() + "' AND l.ts_ms BETWEEN ? AND ?"
                + " AND abs(s.ts_ms - l.ts_ms) <= ? + coalesce(" + t + ".latency_ms, 0)"
                + " AND s.input_tokens + s.output_tokens + s.cache_read_tokens > 0 AND " + t + ".identity IS NOT NULL";
    }

    /**
     * Staged records of {@code staged} source and stored ones of {@code stored} source that report the
     * same call, nearest first, each in one pair at most; the identity, team, project and session
     * are the telemetry side's.
     */
    private static List<Pair> pairs(Connection c, String stagedTable, Source staged, String storedTable, Source stored,
                                    long lo, long hi) throws SQLException {
        List<Pair> candidates = Jdbc.query(c, pairsSql(stagedTable, staged, storedTable, stored),
                List.of(lo - PROBE_MARGIN_MS, hi + PROBE_MARGIN_MS, WINDOW_MS),
                rs -> new Pair(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7)));
        candidates.sort(Comparator.comparingLong(Pair::apartMs).thenComparing(Pair::stagedId).thenComparing(Pair::storedId));
        Set<String> used = new HashSet<>();
        List<Pair> out = new ArrayList<>();
        for (Pair p : candidates) {
            if (used.contains("s:" + p.stagedId()) || used.contains("l:" + p.storedId())) continue;
            used.add("s:" + p.stagedId());
            used.add("l:" + p.storedId());
            out.add(p);
        }
        return out;
    }
}
