package tally.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import tally.core.Bounds;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP attributes as a flat lookup, read leniently: Claude Code sends numbers as intValue,
 * doubleValue or strings depending on version, so every getter accepts every spelling.
 */
final class Attributes {
    private final Map<String, AnyValue> values;

    private Attributes(Map<String, AnyValue> values) {
        this.values = values;
    }

    static Attributes of(List<KeyValue> kvs) {
        Map<String, AnyValue> m = new HashMap<>(kvs.size() * 2);
        for (KeyValue kv : kvs) m.put(kv.getKey(), kv.getValue());
        return new Attributes(m);
    }

    /** Point attributes win over resource attributes (Claude Code copies resource ones onto points). */
    Attributes over(Attributes base) {
        Map<String, AnyValue> m = new HashMap<>(base.values);
        m.putAll(values);
        return new Attributes(m);
    }

    String string(String key) {
        AnyValue v = values.get(key);
        if (v == null) return null;
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue().isEmpty() ? null : v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> null;
        };
    }

    /** A whole number; null when absent or not a number. */
    Long number(String key) {
        AnyValue v = values.get(key);
        if (v == null) return null;
        try {
            return switch (v.getValueCase()) {
                case INT_VALUE -> v.getIntValue();
                case DOUBLE_VALUE -> Math.round(v.getDoubleValue());
                case STRING_VALUE -> v.getStringValue().contains(".")
                        ? Math.round(Double.parseDouble(v.getStringValue())) : Long.parseLong(v.getStringValue().trim());
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Claude Code's own cost estimate in nano-dollars: {@code cost_usd_micros} (newer, whole
     * micro-dollars) or {@code cost_usd} (a double, or a string in some exporters); null when absent.
     * Read once {@link #estimateProblem} found none. More decimals than a nano-dollar are rounded,
     * not refused.
     */
    Long estimateNanos() {
        java.math.BigDecimal nanos = estimate();
        return nanos == null ? null : nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * Why the cost estimate is refused (not a number, negative, or dearer than any one request can
     * be), or null when it is absent or fine. It was dropped when unreadable and could wrap when huge.
     */
    String estimateProblem() {
        String key = values.containsKey("cost_usd_micros") ? "cost_usd_micros" : "cost_usd";
        AnyValue v = values.get(key);
        if (v == null) return null;
        String shown = v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? "\"" + v.getStringValue() + "\"" : string(key);
        try {
            java.math.BigDecimal nanos = estimate();
            if (nanos.signum() < 0) return key + "=" + shown + " is negative";
            if (nanos.compareTo(java.math.BigDecimal.valueOf(Bounds.MAX_COST_NANOS)) > 0) {
                return key + "=" + shown + " is more than any one request can cost";
            }
            return null;
        } catch (NumberFormatException e) {
            return key + "=" + shown + " is not a number";
        }
    }

    /** The estimate in nano-dollars, exactly; null when absent; NumberFormatException when it is no number. */
    private java.math.BigDecimal estimate() {
        AnyValue micros = values.get("cost_usd_micros");
        if (micros != null) return decimal(micros).movePointRight(3);
        AnyValue usd = values.get("cost_usd");
        return usd == null ? null : decimal(usd).movePointRight(9);
    }

    private static java.math.BigDecimal decimal(AnyValue v) {
        return switch (v.getValueCase()) {
            case INT_VALUE -> java.math.BigDecimal.valueOf(v.getIntValue());
            case DOUBLE_VALUE -> {
                if (!Double.isFinite(v.getDoubleValue())) throw new NumberFormatException();
                yield new java.math.BigDecimal(Double.toString(v.getDoubleValue())); // as written, not the binary fraction
            }
            case STRING_VALUE -> new java.math.BigDecimal(v.getStringValue().trim());
            default -> throw new NumberFormatException();
        };
    }

    /**
     * Why a token count attribute is refused (negative, fractional, NaN, infinite, beyond 10^10, an
     * empty string, or not a number at all), or null when it is absent or a whole number in range.
     * A string is read as a decimal number ("1e3" is 1000), the same way {@link #count} reads it.
     */
    String countProblem(String key) {
        AnyValue v = values.get(key);
        if (v == null) return null;
        return switch (v.getValueCase()) {
            case INT_VALUE -> Bounds.tokens(key, v.getIntValue());
            case DOUBLE_VALUE -> Bounds.tokens(key, v.getDoubleValue());
            case STRING_VALUE -> {
                if (v.getStringValue().isBlank()) yield key + " is an empty string";
                try {
                    yield Bounds.tokens(key, decimal(v));
                } catch (NumberFormatException e) {
                    yield key + "=\"" + v.getStringValue() + "\" is not a number";
                }
            }
            default -> key + " is not a number";
        };
    }

    /** A token count {@link #countProblem} found fine, read by the same rule; 0 when absent. */
    long count(String key) {
        AnyValue v = values.get(key);
        if (v == null) return 0;
        return switch (v.getValueCase()) {
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> (long) v.getDoubleValue(); // a whole number in range, checked
            default -> decimal(v).longValueExact();
        };
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * A series key from an attribute list, in the order the exporter sent it (an exporter keeps its
     * order), leaving out one key. Cheaper than sorting, and only compared with itself.
     */
    static String key(List<KeyValue> kvs, String without) {
        StringBuilder sb = new StringBuilder(kvs.size() * 24);
        for (KeyValue kv : kvs) {
            if (kv.getKey().equals(without)) continue;
            AnyValue v = kv.getValue();
            sb.append(kv.getKey()).append('=');
            if (v.hasStringValue()) sb.append(v.getStringValue());
            else sb.append(v.toString().replace('\n', ' '));
            sb.append('\u0001');
        }
        return sb.toString();
    }
}
