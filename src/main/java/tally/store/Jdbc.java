package tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The JDBC plumbing every repository shares: binding parameters, reading rows, running updates. */
final class Jdbc {
    private Jdbc() {}

    /** Maps the current row of a result set. */
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A typed SQL NULL parameter. */
    record Null(int sqlType) {}

    /** A text parameter that may be null (a bare null is bound as a number). */
    static Object text(String s) {
        return s == null ? new Null(Types.VARCHAR) : s;
    }

    /** Binds parameters by type; a bare null is bound as a null BIGINT. */
    static void bind(PreparedStatement ps, List<?> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p == null) ps.setNull(i + 1, Types.BIGINT);
            else if (p instanceof Null n) ps.setNull(i + 1, n.sqlType());
            else if (p instanceof Long l) ps.setLong(i + 1, l);
            else if (p instanceof Integer n) ps.setInt(i + 1, n);
            else if (p instanceof Boolean b) ps.setBoolean(i + 1, b);
            else if (p instanceof java.sql.Array a) ps.setArray(i + 1, a);
            else ps.setString(i + 1, p.toString());
        }
    }

    /** Every row of a query on a connection the caller holds. */
    static <T> List<T> query(Connection c, String sql, List<?> params, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(mapper.map(rs));
            }
            return out;
        }
    }

    /** Runs an update on a connection the caller holds; returns the rows changed. */
    static long update(Connection c, String sql, Object... params) throws SQLException {
        if (params.length == 0) {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, java.util.Arrays.asList(params));
            return ps.executeUpdate();
        }
    }

    /** Every row of a query on a fresh connection; a failure becomes what {@code failure} makes of it. */
    static <T> List<T> query(Store store, String sql, List<?> params, RowMapper<T> mapper,
                             Function<SQLException, RuntimeException> failure) {
        try (Connection c = store.connection()) {
            return query(c, sql, params, mapper);
        } catch (SQLException e) {
            throw failure.apply(e);
        }
    }

    /** An update on a fresh connection; a failure becomes what {@code failure} makes of it. */
    static long update(Store store, Function<SQLException, RuntimeException> failure, String sql, Object... params) {
        try (Connection c = store.connection()) {
            return update(c, sql, params);
        } catch (SQLException e) {
            throw failure.apply(e);
        }
    }

    /** "?, ?, ?": n parameter marks. */
    static String marks(int n) {
        return "?, ".repeat(n - 1) + "?";
    }

    /** "(?, ?), (?, ?)": the marks of {@code rows} rows of {@code width} values, for a multi-row VALUES. */
    static String rowMarks(int rows, int width) {
        return String.join(", ", java.util.Collections.nCopies(rows, "(" + marks(width) + ")"));
    }

    /** {@code list} in consecutive pieces of at most {@code size} (views of it), for statements that take a bounded number of values. */
    static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) out.add(list.subList(i, Math.min(list.size(), i + size)));
        return out;
    }

    /** Whether {@code c} is a PostgreSQL connection (else DuckDB's). */
    static boolean onPostgres(Connection c) throws SQLException {
        return c.isWrapperFor(org.postgresql.PGConnection.class);
    }

    /** Ends a read-only transaction opened on {@code c} (auto-commit off): nothing to keep, auto-commit back on. */
    static void endReadOnly(Connection c) throws SQLException {
        c.rollback();
        c.setAutoCommit(true);
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
