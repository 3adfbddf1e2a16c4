package tally.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as an integer number of nano-dollars (1e-9 USD). Every list price per token is a whole
 * number of nano-dollars, so sums stay exact; formatting to dollars happens only at the edge.
 */
public final class Nanos {
    public static final long PER_DOLLAR = 1_000_000_000L;

    private Nanos() {}

    /** "4.5" dollars → 4_500_000_000. Rejects more precision than a nano-dollar. */
    public static long fromDollars(String dollars) {
        BigDecimal d = new BigDecimal(dollars.trim());
        return d.movePointRight(9).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    /** Exact decimal string with at least two decimals: 4500000000 → "4.50", 35095000 → "0.035095". */
    public static String toDecimal(long nanos) {
        BigDecimal d = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
        if (d.scale() < 2) d = d.setScale(2);
        return d.toPlainString();
    }

    /** Rounded to cents with a dollar sign and thousands separators, for tables: "$1,234.57". */
    public static String toDollars(long nanos) {
        String figure = Figures.twoDecimals(BigDecimal.valueOf(nanos, 9));
        return figure.startsWith("-") ? "-$" + figure.substring(1) : "$" + figure;
    }

    private static final BigDecimal CENT = new BigDecimal("0.01");

    /**
     * For tables: like {@link #toDollars}, except that a nonzero amount under a cent keeps two
     * significant digits ("$0.0012") instead of reading as "$0.00".
     */
    public static String toDollarsReadable(long nanos) {
        if (nanos == 0 || Math.abs(nanos) >= PER_DOLLAR / 100) return toDollars(nanos);
        // two significant digits, a trailing zero kept ($0.0050); one that rounds up to a cent is a cent
        BigDecimal d = BigDecimal.valueOf(nanos, 9).round(new java.math.MathContext(2, RoundingMode.HALF_UP));
        if (d.abs().compareTo(CENT) >= 0) return toDollars(nanos);
        return (d.signum() < 0 ? "-$" : "$") + d.abs().toPlainString();
    }

    /** a × num / den, rounded half-up, without overflow for any realistic token count. */
    public static long scale(long a, long num, long den) {
        return BigDecimal.valueOf(a).multiply(BigDecimal.valueOf(num))
                .divide(BigDecimal.valueOf(den), 0, RoundingMode.HALF_UP).longValueExact();
    }
}
