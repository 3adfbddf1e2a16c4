package tally.core;

/**
 * Where a cumulative counter series stands: its start time, the time and value of its newest point.
 * One rule for what a point adds, shared by the collector's cache and the store's saved state.
 */
public record CounterState(long startNanos, long timeNanos, double value) {

    /**
     * What a point adds on top of {@code last} (null: the series was never seen, so the whole value).
     * A later start time, or a lower value, is a reset: the whole value is new. A point that is not
     * newer than {@code last} (an earlier start time, or the same start and a time not after it) was
     * counted already or is covered by the newer one: it adds nothing.
     */
    public static double increment(CounterState last, long startNanos, long timeNanos, double value) {
        if (last == null) return value;
        if (startNanos != last.startNanos) return startNanos > last.startNanos ? value : 0;
        if (timeNanos <= last.timeNanos) return 0;
        return value < last.value ? value : value - last.value;
    }

    /** The state after a point: the point's own, unless it is older than {@code last}. */
    public static CounterState after(CounterState last, long startNanos, long timeNanos, double value) {
        if (last != null && (startNanos < last.startNanos || startNanos == last.startNanos && timeNanos <= last.timeNanos)) {
            return last;
        }
        return new CounterState(startNanos, timeNanos, value);
    }
}
