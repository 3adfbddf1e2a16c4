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
        final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
        final LongAdder count = new LongAdder();
        final LongAdder sumNanos = new LongAdder();

        Series() {
            for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        }
    }

    private final Map<String, Series> series = new ConcurrentHashMap<>();
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
            s = series.computeIfAbsent(key, k -> new Series());
        }
        double seconds = latencyNanos / 1e9;
        int i = 0;
        while (i < BOUNDS.length && seconds > BOUNDS[i]) i++;
        s.buckets[i].increment();
        s.count.increment();
        s.sumNanos.add(latencyNanos);
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
