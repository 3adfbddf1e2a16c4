package tally.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The ranges a usage record must fall in before it may become money. Every edge that creates
 * records (OTLP, gateway, importers, {@code tally record}) asks here and reports the refusal in its
 * own language; nothing out of range is stored, coerced to 0 or summed into an overflow.
 *
 * <p>Why these bounds keep every figure exact: a record holds at most 5 × 10^10 tokens; the dearest
 * rate in the bundled catalog is under $1,000 per million tokens even with every multiplier (10^6
 * nanos per token), so one record costs under 5 × 10^16 nanos and fits a long 180 times over (an
 * override file may set dearer prices; pricing then fails with an ArithmeticException rather than
 * wrap). Sums of many records are added with {@link #add} and read from SQL exactly, so a sum
 * beyond a long (about 185 such records) is a clear {@link OutOfRange}, never a negative figure.
 */
public final class Bounds {
    /** Per token class per record. */
    public static final long MAX_TOKENS = 10_000_000_000L;
    /** What one record can cost at most (see above), in nano-dollars: a dearer estimate is not real. */
    public static final long MAX_COST_NANOS = 50_000_000_000_000_000L;
    /** Claude usage before this cannot be real. */
    public static final Instant EARLIEST = Instant.parse("2023-01-01T00:00:00Z");
    /** Clocks drift; a day ahead cannot be. */
    public static final Duration MAX_AHEAD = Duration.ofDays(1);

    private static final String RANGE = " out of range [0, 1e10]";

    private Bounds() {}

    /** A value outside what the ledger can hold; the message names the field and the value. */
    public static final class OutOfRange extends IllegalArgumentException {
        public OutOfRange(String message) {
            super(message);
        }
    }

    /** Why a token count is refused, or null when it is a whole number in [0, 10^10]. */
    public static String tokens(String field, long v) {
        return v < 0 || v > MAX_TOKENS ? field + "=" + v + RANGE : null;
    }

    /** The same for a count that arrived as a double (OTLP points, JSON numbers): NaN, ±Inf and fractions refused. */
    public static String tokens(String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v) || v != Math.rint(v) || v < 0 || v > MAX_TOKENS) {
            String shown = Double.isFinite(v) ? java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : Double.toString(v);
            return field + "=" + shown + (v == Math.rint(v) ? RANGE : " is not a whole number");
        }
        return null;
    }

    /** The same for a number read exactly (a JSON number beyond a long, or written with a fraction part). */
    public static String tokens(String field, java.math.BigDecimal v) {
        java.math.BigDecimal whole = v.stripTrailingZeros();
        if (whole.scale() > 0) return field + "=" + whole.toPlainString() + " is not a whole number";
        if (whole.signum() < 0 || whole.compareTo(java.math.BigDecimal.valueOf(MAX_TOKENS)) > 0) {
            return field + "=" + whole.toPlainString() + RANGE;
        }
        return null;
    }

    /**
     * The same for a count as JSON gave it: a whole number in range, written as {@code 12} or
     * {@code 12.0}, is fine (read it with {@link #count}); a fraction, a number beyond a long, NaN,
     * an infinity or a value that is no number at all is refused, named as it was written (a double
     * too large for its type, such as 1e400, as Infinity). Null and absent counts are
     * the caller's to decide.
     */
    public static String tokens(String field, com.fasterxml.jackson.databind.JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) return tokens(field, v.asLong());
        if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) return tokens(field, v.doubleValue());
        if (v.isNumber()) return tokens(field, v.decimalValue());
        return field + "=" + v + " is not a number";
    }

    /** The value of a JSON count {@link #tokens(String, com.fasterxml.jackson.databind.JsonNode)} found fine. */
    public static long count(com.fasterxml.jackson.databind.JsonNode v) {
        return v.isIntegralNumber() ? v.asLong() : v.decimalValue().longValueExact();
    }

    /** The same for every class of a record. */
    public static String tokens(TokenCounts t) {
        String why = tokens("input_tokens", t.input());
        if (why == null) why = tokens("cache_write_5m_tokens", t.cacheWrite5m());
        if (why == null) why = tokens("cache_write_1h_tokens", t.cacheWrite1h());
        if (why == null) why = tokens("cache_read_tokens", t.cacheRead());
        if (why == null) why = tokens("output_tokens", t.output());
        return why;
    }

    /** Why a record time is refused (before 2023 or more than a day ahead of now), or null. */
    public static String time(Instant t, Instant now) {
        if (t.isBefore(EARLIEST)) return "time " + t + " is before " + EARLIEST;
        if (t.isAfter(now.plus(MAX_AHEAD))) return "time " + t + " is more than a day in the future";
        return null;
    }

    /** Why a record is refused, or null: its tokens, web searches, time and text. */
    public static String check(UsageEvent e, Instant now) {
        String why = tokens(e.tokens());
        if (why == null) why = tokens("web_searches", e.webSearches());
        if (why == null) why = time(e.time(), now);
        if (why == null) why = text(e);
        return why;
    }

    /**
     * Why a record's text is refused, or null. A NUL character (U+0000) is valid JSON but no PostgreSQL
     * text can hold it: a record carrying one would make every write of its batch fail, again and again.
     */
    public static String text(UsageEvent e) {
        String why = text("identity", e.identity());
        if (why == null) why = text("team", e.team());
        if (why == null) why = text("project", e.project());
        if (why == null) why = text("session_id", e.sessionId());
        if (why == null) why = text("request_id", e.requestId());
        if (why == null) why = text("model", e.model());
        if (why == null) why = text("model_id", e.modelId());
        if (why == null) why = text("provider", e.provider());
        if (why == null) why = text("region", e.region());
        if (why == null) why = text("catalog_version", e.catalogVersion());
        if (why == null) why = text("id", e.id()); // last: an id is mostly made of the fields above
        return why;
    }

    /** Why an activity row's text is refused (see {@link #text(UsageEvent)}), or null. */
    public static String text(Activity a) {
        String why = text("id", a.id());
        if (why == null) why = text("identity", a.identity());
        if (why == null) why = text("team", a.team());
        if (why == null) why = text("session_id", a.sessionId());
        return why;
    }

    /**
     * Why a text value is refused, or null. A NUL character: see {@link #text(UsageEvent)}. An unpaired
     * UTF-16 surrogate (JSON may escape one half of a pair alone): it has no UTF-8 form, so a store
     * would keep a replacement character instead of what was sent.
     */
    public static String text(String field, String value) {
        if (value == null) return null;
        if (value.indexOf('\0') >= 0) return field + " contains a NUL character (U+0000)";
        int at = unpairedSurrogate(value);
        return at < 0 ? null : field + " contains an unpaired surrogate (U+"
                + Integer.toHexString(value.charAt(at)).toUpperCase(java.util.Locale.ROOT) + ") at character " + at;
    }

    /** Where the first surrogate without its partner is, or -1. */
    static int unpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) continue;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    /** Throws {@link OutOfRange} with the reason when the record is refused. */
    public static UsageEvent require(UsageEvent e, Instant now) {
        String why = check(e, now);
        if (why != null) throw new OutOfRange(why);
        return e;
    }

    /** a + b for sums of money or tokens; beyond a long is an {@link OutOfRange} naming what overflowed. */
    public static long add(long a, long b, String what) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new OutOfRange(what + " exceeds " + Long.MAX_VALUE + "; narrow the range or filter");
        }
    }
}
