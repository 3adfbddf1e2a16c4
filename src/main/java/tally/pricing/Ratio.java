package tally.pricing;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact, positive multiplier such as batch 1/2 or Bedrock regional 11/10. Kept as a reduced
 * fraction so stacked multipliers never pick up floating-point error; money is rounded once, later.
 */
public record Ratio(long num, long den) {

    public static final Ratio ONE = new Ratio(1, 1);

    public Ratio {
        if (num <= 0 || den <= 0) throw new IllegalArgumentException("ratio must be positive: " + num + "/" + den);
    }

    // equals and hashCode written out: a record's generated ones link a method handle the first time they
    // run, and loading the catalog compares ratios ~15 ms sooner than that pays off in a short command
    @Override
    public boolean equals(Object o) {
        return o instanceof Ratio r && r.num == num && r.den == den;
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(num) + Long.hashCode(den);
    }

    public static Ratio of(long num, long den) {
        long g = gcd(num, den);
        return new Ratio(num / g, den / g);
    }

    /** "1.1" → 11/10, "0.5" → 1/2, "6" → 6/1. */
    public static Ratio parse(String decimal) {
        BigDecimal d = new BigDecimal(decimal.trim()).stripTrailingZeros();
        if (d.signum() <= 0) throw new IllegalArgumentException("must be greater than zero");
        BigInteger num = d.scale() > 0 ? d.unscaledValue() : d.toBigIntegerExact();
        BigInteger den = d.scale() > 0 ? BigInteger.TEN.pow(d.scale()) : BigInteger.ONE;
        return of(num.longValueExact(), den.longValueExact());
    }

    /** The product, reduced. Throws ArithmeticException on overflow (the catalog checks this at load). */
    public Ratio times(Ratio o) {
        if (this == ONE || equals(ONE)) return o;
        if (o == ONE || o.equals(ONE)) return this;
        long g1 = gcd(num, o.den);
        long g2 = gcd(o.num, den);
        return new Ratio(Math.multiplyExact(num / g1, o.num / g2), Math.multiplyExact(den / g2, o.den / g1));
    }

    public boolean isOne() {
        return num == den;
    }

    /** Exact decimal: every ratio here comes from decimal strings, so the expansion ends. */
    public BigDecimal toBigDecimal() {
        return new BigDecimal(num).divide(new BigDecimal(den));
    }

    /** "0.5", "1.1", "6". */
    public String toDecimal() {
        return toBigDecimal().stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return toDecimal();
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return Math.abs(a);
    }
}
