package tally.store;

import tally.core.Source;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Precedence by session. Token metrics are the coarsest report of a session's usage (they rank last),
 * so a session whose requests are reported one by one (OTel api_request events, transcripts, the
 * gateway) is metered from those alone: its records take back the metric-derived records stored for
 * it near their time (a metric point is exported within a minute or two of the requests it counts),
 * and once one has arrived its later metric records are not stored. Only one person's: a session id
 * is whatever a client sends, so a record takes back and blocks its own person's metrics only. Done
 * in the write transaction, set-wise, so it holds across restarts and replicas, in either arrival order.
 */
final class MeteredSessions {
    private MeteredSessions() {}

    private static final String METRIC = Source.OTEL_METRIC.label();

    /** Staged requests that meter their session: not metrics, not failed, with tokens. */
    private static final String METERING = "s.session_id IS NOT NULL AND s.source_rank < " + Source.OTEL_METRIC.rank()
            + " AND s.status < 400 AND s.input_tokens + s.cache_write_5m_tokens + s.cache_write_1h_tokens"
            + " + s.cache_read_tokens + s.output_tokens > 0";

    /** Whether a record meters its session ({@link #METERING}). */
    private static boolean metering(UsageEvent e) {
        return e.sessionId() != null && e.source().rank() < Source.OTEL_METRIC.rank() && !e.failed() && e.tokens().total() > 0;
    }

    /** Returns {staged metric records not stored, stored metric records taken back}; {@code wlo..whi} bounds the take-back. */
    static long[] apply(Connection c, List<UsageEvent> events, long wlo, long whi, LocalDays local) throws SQLException {
        boolean anyMetering = false, anyMetric = false;
        for (UsageEvent e : events) {
            anyMetering |= metering(e);
            anyMetric |= e.source() == Source.OTEL_METRIC;
        }
        long takenBack = 0;
        if (anyMetering) {
            Jdbc.update(c, "INSERT INTO metered_sessions (session_id, identity, source, first_ms)"
                    + " SELECT s.session_id, s.identity, min(s.source), ? FROM usage_staging s WHERE " + METERING
                    + " AND NOT EXISTS (SELECT 1 FROM metered_sessions m WHERE m.session_id = s.session_id AND m.identity = s.identity)"
                    + " GROUP BY s.session_id, s.identity", System.currentTimeMillis());
            takenBack = LedgerWriter.removeFound(c, "SELECT DISTINCT l.id, l.ts_ms FROM usage_events l JOIN usage_staging s"
                    + " ON l.session_id = s.session_id WHERE l.ts_ms BETWEEN ? AND ? AND l.source = ? AND " + METERING
                    + " AND " + Identities.samePerson("l.identity", "s.identity"), List.of(wlo, whi, METRIC), local);
        }
        long skipped = !anyMetric ? 0 : Jdbc.update(c, "DELETE FROM usage_staging WHERE id IN (SELECT s.id FROM usage_staging s"
                + " JOIN metered_sessions m ON m.session_id = s.session_id WHERE s.source = ? AND "
                + Identities.samePerson("s.identity", "m.identity") + ")", METRIC);
        return new long[] {skipped, takenBack};
    }
}
