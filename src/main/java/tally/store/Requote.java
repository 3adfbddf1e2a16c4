package tally.store;

import tally.core.TokenCounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A stored record as far as quoting it on another model needs: when, its tokens, the flags that
 * change its price, and its recorded cost (null when unpriced). One short text column, the pinned
 * geography (null on most rows): little to decode per row, for commands that read every record of a
 * range (estimate --compare).
 */
public record Requote(long tsMs, TokenCounts tokens, long webSearches, boolean batch, boolean fast, Long costNanos,
                      String inferenceGeo) {

    static final String COLUMNS = "ts_ms, input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,"
            + " output_tokens, web_searches, is_batch, is_fast, cost_nanos, inference_geo";

    public Instant time() {
        return Instant.ofEpochMilli(tsMs);
    }

    static Requote read(ResultSet rs) throws SQLException {
        return new Requote(rs.getLong(1), new TokenCounts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)),
                rs.getLong(7), rs.getBoolean(8), rs.getBoolean(9), Jdbc.nullableLong(rs, 10), rs.getString(11));
    }
}
