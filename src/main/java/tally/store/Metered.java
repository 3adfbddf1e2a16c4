package tally.store;

import tally.core.TokenCounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A stored record as far as metering it again needs: when, whose, from where, on which model, its
 * tokens, the flags that change its price, and its recorded cost (null when unpriced).
 */
public record Metered(long tsMs, String source, String identity, String model, TokenCounts tokens,
                      long webSearches, boolean batch, boolean fast, Long costNanos) {

    static final String COLUMNS = "ts_ms, source, identity, model, input_tokens, cache_write_5m_tokens, "
            + "cache_write_1h_tokens, cache_read_tokens, output_tokens, web_searches, is_batch, is_fast, cost_nanos";

    public Instant time() {
        return Instant.ofEpochMilli(tsMs);
    }

    static Metered read(ResultSet rs) throws SQLException {
        return new Metered(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                new TokenCounts(rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)),
                rs.getLong(10), rs.getBoolean(11), rs.getBoolean(12), Jdbc.nullableLong(rs, 13));
    }
}
