package tally.metrics;

import java.util.Map;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): a HELP and TYPE line per family,
 * then its samples with escaped label values.
 */
final class PrometheusText {
    private final StringBuilder out = new StringBuilder(4096);

    PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample; the value is already a decimal string (money is exact nano-dollars turned into dollars). */
    PrometheusText sample(String name, Map<String, String> labels, String value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (!first) out.append(',');
                first = false;
                out.append(l.getKey()).append("=\"").append(escape(l.getValue())).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
        return this;
    }

    PrometheusText sample(String name, Map<String, String> labels, long value) {
        return sample(name, labels, Long.toString(value));
    }

    static String escape(String v) {
        return (v == null ? "" : v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    PrometheusText append(PrometheusText other) {
        out.append(other.out);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
