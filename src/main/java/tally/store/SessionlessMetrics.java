package tally.store;

import tally.core.Source;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Token metrics sent without a session id (Claude Code's {@code OTEL_METRICS_INCLUDE_SESSION_ID=false})
 * cannot be tied to the sessions {@link MeteredSessions} settles. A metric point counts the tokens of
 * the requests in the export interval before it; when the same person's per-request reports of Claude
 * Code (api_request events, transcript records) of the same model fall in that interval, those report
 * the same requests, and the metric record is taken back (or not stored), in either arrival order.
 */
final class SessionlessMetrics {
    private SessionlessMetrics() {}

    /** How long before its time a metric point may count requests (the export interval is a minute by default). */
    static final long INTERVAL_MS = 10 * 60 * 1000;
    /** How far after a metric point a request it counts may be stamped (a request's record carries its end). */
    private static final long AFTER_MS = 60 * 1000;

    private static final String METRIC = Source.OTEL_METRIC.label();

    /** Rows of {@code r} that report a request one by one, as Claude Code does: not failed, with tokens. */
    private static String perRequest(String r) {
        return r + ".source IN ('" + Source.OTEL_EVENT.label() + "', '" + Source.TRANSCRIPT.label() + "') AND " + r
                + ".status < 400 AND " + r + ".input_tokens + " + r + ".cache_write_5m_tokens + " + r + ".cache_write_1h_tokens + "
                + r + ".cache_read_tokens + " + r + ".output_tokens > 0";
    }

    /** Metric row m counts requests of row r: one person's, one model, r within m's interval. */
    private static String sameRequests(boolean aliased) {
        return "m.model = r.model AND r.ts_ms BETWEEN m.ts_ms - " + INTERVAL_MS + " AND m.ts_ms + " + AFTER_MS
                + " AND m.source = '" + METRIC + "' AND m.session_id IS NULL AND " + perRequest("r") + " AND "
                + Identities.samePerson("m.identity", "r.identity", aliased);
    }

    private static boolean perRequest(UsageEvent e) {
        return (e.source() == Source.OTEL_EVENT || e.source() == Source.TRANSCRIPT) && !e.failed() && e.tokens().total() > 0;
    }

    /** Returns {staged metric records not stored, stored metric records taken back}. */
    static long[] apply(Connection c, List<UsageEvent> events, long lo, long hi, boolean aliased, LocalDays local)
            throws SQLException {
        boolean anyPerRequest = false, anyMetric = false;
        for (UsageEvent e : events) {
            anyPerRequest |= perRequest(e);
            anyMetric |= e.source() == Source.OTEL_METRIC && e.sessionId() == null;
        }
        long takenBack = !anyPerRequest ? 0 : LedgerWriter.removeFound(c, "SELECT DISTINCT m.id, m.ts_ms FROM usage_events m"
                + " JOIN usage_staging r ON " + sameRequests(aliased) + " WHERE m.ts_ms BETWEEN ? AND ?",
                List.of(lo - AFTER_MS, hi + INTERVAL_MS), local);
        long skipped = 0;
        if (anyMetric) {
            for (String requests : List.of("usage_events", "usage_staging")) {
                skipped += Jdbc.update(c, "DELETE FROM usage_staging WHERE id IN (SELECT m.id FROM usage_staging m JOIN "
                        + requests + " r ON " + sameRequests(aliased) + " WHERE r.ts_ms BETWEEN ? AND ?)", lo - INTERVAL_MS, hi + AFTER_MS);
            }
        }
        return new long[] {skipped, takenBack};
    }
}
