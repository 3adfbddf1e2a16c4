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
}
