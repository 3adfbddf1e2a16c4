package tally.otlp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns cumulative counters into increments. A series is a metric name with its resource and
 * point attributes; a new start time, or a value lower than the last one, means the counter
 * reset (Claude Code was seen resetting within a session), so the whole value is new.
 */
final class SeriesTracker {
    private record State(long startNanos, double value) {}

    private final ConcurrentHashMap<String, State> series = new ConcurrentHashMap<>();

    /** The increment since the last point of this series (the whole value for a new or reset series). */
    double delta(String seriesKey, long startNanos, double value) {
        double[] out = new double[1];
        series.compute(seriesKey, (k, last) -> {
            boolean reset = last == null || last.startNanos != startNanos || value < last.value;
            out[0] = reset ? value : value - last.value;
            return new State(startNanos, value);
        });
        return out[0];
    }

    int size() {
        return series.size();
    }
}
