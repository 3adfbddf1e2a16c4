package tally.store;

import tally.core.TokenCounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored record as far as a timeline of spend needs (5-hour blocks): when, on which model, its
 * tokens and its recorded cost (null when unpriced). No identity or source: the scan filters by them.
 */
public record TimedUsage(long tsMs, String model, TokenCounts tokens, Long costNanos) {

    /**
     * The columns of a scan, the model read as its position among the models known before the scan
     * (a small number, one String per model instead of one decoded per row: about a third of the
     * scan's time on DuckDB), and as itself only when it is not among them (written since).
     */
    record Columns(String sql, List<Object> params, List<String> models) {
        static Columns of(List<String> models) {
            if (models.isEmpty()) return new Columns(select("-1", "model"), List.of(), List.of());
            List<Object> params = new ArrayList<>(models);
            params.addAll(models);
            StringBuilder code = new StringBuilder("CASE model");
            for (int i = 0; i < models.size(); i++) code.append(" WHEN ? THEN ").append(i);
            code.append(" ELSE -1 END");
            String other = "CASE WHEN model IN (" + Jdbc.marks(models.size()) + ") THEN NULL ELSE model END";
            return new Columns(select(code.toString(), other), params, List.copyOf(models));
        }

        private static String select(String code, String other) {
            return "ts_ms, " + code + ", " + other + ", input_tokens, cache_write_5m_tokens, cache_write_1h_tokens,"
                    + " cache_read_tokens, output_tokens, cost_nanos";
        }

        TimedUsage read(ResultSet rs) throws SQLException {
            int code = rs.getInt(2);
            String model = code >= 0 ? models.get(code) : rs.getString(3);
            return new TimedUsage(rs.getLong(1), model,
                    new TokenCounts(rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)),
                    Jdbc.nullableLong(rs, 9));
        }
    }
}
