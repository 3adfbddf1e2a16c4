package tally.otlp;

import tally.core.CounterState;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns cumulative counters into increments, against the last point this process saw of each
 * series. A series is a metric name with its resource and point attributes; a later start time, or
 * a value lower than the last one, means the counter reset (Claude Code was seen resetting within a
 * session), so the whole value is new (see {@link CounterState}).
 *
 * <p>This is a cache, not the authority: a series it has not seen counts its whole value, and the
 * store counts every token point again against the state it saved (tally.store.CounterSeries), so
 * a restart, a crash or another replica neither loses nor doubles anything. It never reads the
 * store, so telemetry is answered while the store is down.
 */
final class SeriesTracker {
    private final ConcurrentHashMap<String, CounterState> series = new ConcurrentHashMap<>();

    /** The increment since the last point of this series (the whole value for a new or reset series). */
    double delta(String seriesKey, long startNanos, long timeNanos, double value) {
        double[] out = new double[1];
        series.compute(seriesKey, (k, last) -> {
            out[0] = CounterState.increment(last, startNanos, timeNanos, value);
            return CounterState.after(last, startNanos, timeNanos, value);
        });
        return out[0];
    }

    /** Forgets series whose points were not accepted, so the exporter's retry counts them again. */
    void forget(Collection<String> seriesKeys) {
        seriesKeys.forEach(series::remove);
    }

    int size() {
        return series.size();
    }
}
