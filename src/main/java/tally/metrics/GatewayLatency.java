package tally.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Gateway request latency histograms, kept in memory: latency is a per-request fact that the
 * rollups do not keep, so unlike the usage counters these restart from zero with the process
 * (Prometheus' rate() handles that). The gateway reports each finished request with one call:
 * {@code latency.observe(model, status, latencyNanos)} on the instance the server built and
 * handed to both the gateway and {@code /metrics}. Lock-free on that path. Beside them, the count of
 * answers whose upstream usage was refused (unreadable, missing or out of range: logged, not stored).
 */
public final class GatewayLatency {
    /** Upper bounds in seconds: from a quick count_tokens to a long streamed response. */
    static final double[] BOUNDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    /** One label set's counts: cumulative per bound at exposition time, not on the hot path. */
    static final class Series {
        /** Upper bounds in seconds; one bucket more, past the last. */
        final double[] bounds;
        final LongAdder[] buckets;
        final LongAdder count = new LongAdder();
        final LongAdder sumNanos = new LongAdder();

        Series(double[] bounds) {
            this.bounds = bounds;
            buckets = new LongAdder[bounds.length + 1];
            for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        }

        void add(long nanos) {
            double seconds = nanos / 1e9;
            int i = 0;
            while (i < bounds.length && seconds > bounds[i]) i++;
            buckets[i].increment();
            count.increment();
            sumNanos.add(nanos);
        }
    }

    /**
     * Upper bounds in seconds of how long an answer's last bytes waited for its record to reach the
     * spool: a disk's flush takes from a tenth of a millisecond to several on a busy device.
     */
    static final double[] SPOOL_WAIT_BOUNDS = {0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.1, 1, 10};

    private final Map<String, Series> series = new ConcurrentHashMap<>();
    private final Series spoolWaits = new Series(SPOOL_WAIT_BOUNDS);
    private final LongAdder refusedUsage = new LongAdder();
    private final int maxModels;

    public GatewayLatency() {
        this(50);
    }

    GatewayLatency(int maxModels) {
        this.maxModels = maxModels;
    }

    public void observe(String model, int status, long latencyNanos) {
        String m = model == null || model.isBlank() ? "unknown" : model;
        String key = m + "\u0000" + (status / 100) + "xx";
        Series s = series.get(key);
        if (s == null) {
            // models come from clients: bound the label set like every other
            if (series.size() >= maxModels * 5) key = "other\u0000" + (status / 100) + "xx";
            s = series.computeIfAbsent(key, k -> new Series(BOUNDS));
        }
        s.add(latencyNanos);
    }

    /**
     * How long an answer's last bytes were held for its record to be durable in the spool: with the
     * default {@code --spool-sync always}, the disk's flush, the part of the gateway's latency a faster
     * disk or {@code --spool-sync periodic} takes away.
     */
    public void spoolWait(long nanos) {
        spoolWaits.add(Math.max(0, nanos));
    }

    Series spoolWaits() {
        return spoolWaits;
    }

    /** An answer whose upstream usage the gateway refused to record. */
    public void refusedUsage() {
        refusedUsage.increment();
    }

    long refusedUsageCount() {
        return refusedUsage.sum();
    }

    /** Label set (model, status class) → series, sorted for a stable exposition. */
    Map<String[], Series> snapshot() {
        Map<String[], Series> out = new TreeMap<>((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        series.forEach((k, v) -> out.put(k.split("\u0000", 2), v));
        return out;
    }
}
