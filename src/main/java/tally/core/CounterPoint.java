package tally.core;

/**
 * One point of a cumulative counter (an OTLP sum with cumulative temporality) that a usage record's
 * tokens (or an activity row's value) came from. It travels with the record through the spool, so
 * the store applies the point to the series' saved state in the same transaction that stores the
 * record: a restart, a crash or another replica continues the series instead of counting it again
 * from zero.
 *
 * @param series     the series: metric name with its resource and point attributes
 * @param startNanos the counter's start time (a new one is a reset)
 * @param timeNanos  when the value was observed
 * @param value      the cumulative value
 * @param increment  what the collector counted for this point, against the state it knew; the store
 *                   recounts it against the saved state and corrects the record when they differ
 * @param part       the token class the increment went to; null for an activity row's value
 */
public record CounterPoint(String series, long startNanos, long timeNanos, double value, double increment, Part part) {

    /** The token classes a counter point can feed. */
    public enum Part {
        INPUT, CACHE_WRITE_5M, CACHE_READ, OUTPUT;

        /** {@code t} with {@code n} added to this class ({@code n} may be negative, a correction). */
        public TokenCounts add(TokenCounts t, long n) {
            return switch (this) {
                case INPUT -> new TokenCounts(t.input() + n, t.cacheWrite5m(), t.cacheWrite1h(), t.cacheRead(), t.output());
                case CACHE_WRITE_5M -> new TokenCounts(t.input(), t.cacheWrite5m() + n, t.cacheWrite1h(), t.cacheRead(), t.output());
                case CACHE_READ -> new TokenCounts(t.input(), t.cacheWrite5m(), t.cacheWrite1h(), t.cacheRead() + n, t.output());
                case OUTPUT -> new TokenCounts(t.input(), t.cacheWrite5m(), t.cacheWrite1h(), t.cacheRead(), t.output() + n);
            };
        }
    }

    public CounterPoint {
        java.util.Objects.requireNonNull(series, "series");
    }
}
