package tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/** Query plans for tests that pin one: a statement's EXPLAIN, its parameters bound as the store binds them. */
final class Plans {
    private Plans() {}

    /** The plan's text, one line per row (DuckDB's is in its last column, PostgreSQL's only one). */
    static String explain(Connection c, String sql, List<?> params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            Jdbc.bind(ps, params);
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                int last = rs.getMetaData().getColumnCount();
                while (rs.next()) out.append(rs.getString(last)).append('\n');
            }
            return out.toString();
        }
    }
}
