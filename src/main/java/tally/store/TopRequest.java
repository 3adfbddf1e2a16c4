package tally.store;

import tally.core.TokenCounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** One stored record as the most-expensive-requests list shows it. */
public record TopRequest(String id, Instant time, String person, String source, String model,
                         String requestId, String sessionId, TokenCounts tokens, Long costNanos, int status) {

    /** The columns {@link #read} reads, from a ledger row l with its alias joined. */
    static final String COLUMNS = "l.id, l.ts_ms, " + Identities.person("l") + ", l.source, l.model, l.request_id,"
            + " l.session_id, l.input_tokens, l.cache_write_5m_tokens, l.cache_write_1h_tokens,"
            + " l.cache_read_tokens, l.output_tokens, l.cost_nanos, l.status";

    static TopRequest read(ResultSet rs) throws SQLException {
        return new TopRequest(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                new TokenCounts(rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)),
                Jdbc.nullableLong(rs, 13), rs.getInt(14));
    }
}
