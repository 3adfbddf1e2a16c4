package tally.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Numbers as reports print them: thousands grouped with commas, two decimals after a point, whatever
 * the machine's locale, so that every table reads (and parses) the same everywhere. Written out here
 * because {@code String.format} parses its pattern on every call: a table of a hundred rows spent a
 * tenth of a short command in it.
 */
public final class Figures {
    private Figures() {}

    /** 1234567 -> "1,234,567"; -1234 -> "-1,234". */
    public static String grouped(long n) {
        String digits = Long.toString(n);
        return n < 0 ? "-" + group(digits.substring(1)) : group(digits);
    }

    /**
     * An amount rounded half-up to two decimals, grouped: 1234.567 -> "1,234.57", -0.125 -> "-0.13"; an
     * amount that rounds to zero has no sign.
     */
    public static String twoDecimals(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(2, RoundingMode.HALF_UP);
        String plain = rounded.abs().toPlainString(); // "1234.57"
        String figure = group(plain.substring(0, plain.length() - 3)) + plain.substring(plain.length() - 3);
        return rounded.signum() < 0 ? "-" + figure : figure;
    }

    /**
     * A double as {@code %,.2f} prints it: rounded half-up from its shortest decimal form, grouped, and a
     * negative amount keeps its sign even when it rounds to zero ("-0.00").
     */
    public static String twoDecimals(double amount) {
        if (!Double.isFinite(amount)) return Double.toString(amount);
        String figure = twoDecimals(BigDecimal.valueOf(amount));
        boolean negative = amount < 0 || Double.doubleToRawLongBits(amount) == Long.MIN_VALUE; // -0.0 too
        return negative && !figure.startsWith("-") ? "-" + figure : figure;
    }

    /** "1234567" -> "1,234,567" (digits only). */
    private static String group(String digits) {
        int lead = digits.length() % 3 == 0 ? Math.min(3, digits.length()) : digits.length() % 3;
        StringBuilder out = new StringBuilder(digits.length() + digits.length() / 3);
        out.append(digits, 0, lead);
        for (int i = lead; i < digits.length(); i += 3) out.append(',').append(digits, i, i + 3);
        return out.toString();
    }
}
