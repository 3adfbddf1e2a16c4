package tally.store;

import tally.core.Bounds;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads SQL sums exactly. DuckDB's SUM of BIGINT is a HUGEINT and PostgreSQL's a numeric: either can
 * hold more than a long, and {@code getLong} would wrap (DuckDB) or fail obscurely (PostgreSQL). A
 * sum beyond a long is a {@link Bounds.OutOfRange} that says what overflowed; NULL (no rows) is 0.
 */
public final class Sums {
    private Sums() {}

    public static long read(ResultSet rs, int column, String what) throws SQLException {
        BigDecimal v = rs.getBigDecimal(column);
        if (v == null) return 0;
        try {
            return v.longValueExact();
        } catch (ArithmeticException e) {
            throw new Bounds.OutOfRange("the sum of " + what + " (" + v.toPlainString() + ") exceeds "
                    + Long.MAX_VALUE + "; narrow the range or filter");
        }
    }

    /** As {@link #read}, for a sum that may be a floating-point number (a whole number in it): past a long, or not finite, is refused. */
    public static long readWhole(ResultSet rs, int column, String what) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null) return 0;
        if (v instanceof Double d && (!Double.isFinite(d) || Math.abs(d) >= 0x1p63)) {
            throw new Bounds.OutOfRange("the sum of " + what + " (" + d + ") exceeds " + Long.MAX_VALUE + "; narrow the range or filter");
        }
        if (v instanceof Double d) return Math.round(d);
        return read(rs, column, what);
    }
}
