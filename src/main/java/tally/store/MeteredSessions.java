package tally.store;

import tally.core.Source;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Precedence by session. Token metrics are the coarsest report of a session's usage (they rank last),
 * so a session whose requests are reported one by one (OTel api_request events, transcripts, the
 * gateway) is metered from those alone: its first such record takes back the metric-derived records
 * stored for it, and its later metric records are not stored. Only one person's: a session id is
 * whatever a client sends, so a record takes back and blocks the metrics of its own person only.
 * Done in the write transaction, so it holds across restarts and replicas, in either arrival order.
 */
final class MeteredSessions {
    private MeteredSessions() {}

    private static final String METRIC = Source.OTEL_METRIC.label();

    /** Staged requests (not failed, with tokens) of sessions not yet known to be metered by request for their identity. */
    private static final String FRESH = "SELECT DISTINCT s.session_id, s.identity, s.source FROM usage_staging s"
            + " WHERE s.session_id IS NOT NULL AND s.source_rank < ? AND s.status < 400"
            + " AND s.input_tokens + s.cache_write_5m_tokens + s.cache_write_1h_tokens + s.cache_read_tokens + s.output_tokens > 0"
            + " AND NOT EXISTS (SELECT 1 FROM metered_sessions m WHERE m.session_id = s.session_id AND m.identity = s.identity)";

    private record Metered(String session, String identity) {}

    /** Returns {staged metric records not stored, stored metric records taken back}. */
    static long[] apply(Connection c, LocalDays local) throws SQLException {
        Map<Metered, String> fresh = new LinkedHashMap<>();
        Jdbc.query(c, FRESH, List.of(Source.OTEL_METRIC.rank()), rs -> fresh.putIfAbsent(
                new Metered(rs.getString(1), rs.getString(2)), rs.getString(3)));
        long takenBack = 0;
        if (!fresh.isEmpty()) {
            PersonOf people = PersonOf.read(c);
            long now = System.currentTimeMillis();
            for (Map.Entry<Metered, String> m : fresh.entrySet()) {
                String session = m.getKey().session();
                String identity = m.getKey().identity();
                Jdbc.update(c, "INSERT INTO metered_sessions (session_id, identity, source, first_ms) VALUES (?, ?, ?, ?)",
                        session, identity, m.getValue(), now);
                takenBack += LedgerWriter.remove(c, new Where().and("source = ?", METRIC).and("session_id = ?", session)
                        .and("(identity = ? OR " + Identities.personOf("identity") + " = ?)", identity, people.of(identity)), local);
            }
        }
        long skipped = Jdbc.update(c, "DELETE FROM usage_staging WHERE id IN (SELECT s.id FROM usage_staging s"
                + " JOIN metered_sessions m ON m.session_id = s.session_id WHERE s.source = ? AND "
                + Identities.samePerson("s.identity", "m.identity") + ")", METRIC);
        return new long[] {skipped, takenBack};
    }
}
