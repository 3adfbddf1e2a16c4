package tally.core;

import java.util.List;

/**
 * Where a usage record came from. The rank is the documented precedence for one provider request
 * reported by several paths: the lowest rank wins and the others are dropped as duplicates.
 */
public enum Source {
    GATEWAY("gateway", 1),
    PROVIDER_LOG("provider-log", 2),
    OTEL_EVENT("otel-event", 3),
    TRANSCRIPT("transcript", 4),
    OTEL_METRIC("otel-metric", 5),
    MANUAL("manual", 6),
    DEMO("demo", 6);

    private final String label;
    private final int rank;

    Source(String label, int rank) {
        this.label = label;
        this.rank = rank;
    }

    public String label() {
        return label;
    }

    public int rank() {
        return rank;
    }

    /** A filter that covers both telemetry sources: Claude Code's OTel events and its metrics. */
    public static final String OTEL = "otel";

    /** The stored labels a source filter covers: one, or both OTel ones for {@link #OTEL}. */
    public static List<String> labelsCovered(String filter) {
        if (filter.equalsIgnoreCase(OTEL)) return List.of(OTEL_EVENT.label, OTEL_METRIC.label);
        return List.of(fromLabel(filter).label);
    }

    public static Source fromLabel(String label) {
        for (Source s : values()) {
            if (s.label.equalsIgnoreCase(label) || s.name().equalsIgnoreCase(label)) return s;
        }
        throw new IllegalArgumentException("unknown source '" + label + "'");
    }

    @Override
    public String toString() {
        return label;
    }
}
