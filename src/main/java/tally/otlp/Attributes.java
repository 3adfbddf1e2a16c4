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
     */
    Long estimateNanos() {
        Long micros = number("cost_usd_micros");
        if (micros != null) return micros * 1_000L;
        AnyValue v = values.get("cost_usd");
        if (v == null) return null;
        try {
            return switch (v.getValueCase()) {
                case DOUBLE_VALUE -> dollarsToNanos(Double.toString(v.getDoubleValue()));
                case INT_VALUE -> v.getIntValue() * 1_000_000_000L;
                case STRING_VALUE -> dollarsToNanos(v.getStringValue());
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** An estimate may carry more decimals than a nano-dollar: rounded, not refused. */
    private static long dollarsToNanos(String dollars) {
        return new java.math.BigDecimal(dollars.trim()).movePointRight(9).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * Why a token count attribute is refused (negative, fractional, NaN, infinite, beyond 10^10, or
     * not a number at all), or null when it is absent or a whole number in range.
     */
    String countProblem(String key) {
        AnyValue v = values.get(key);
        if (v == null) return null;
        return switch (v.getValueCase()) {
            case INT_VALUE -> Bounds.tokens(key, v.getIntValue());
            case DOUBLE_VALUE -> Bounds.tokens(key, v.getDoubleValue());
            case STRING_VALUE -> {
                try {
                    yield v.getStringValue().isBlank() ? null : Bounds.tokens(key, Double.parseDouble(v.getStringValue().trim()));
                } catch (NumberFormatException e) {
                    yield key + "=\"" + v.getStringValue() + "\" is not a number";
                }
            }
            default -> key + " is not a number";
        };
    }

    long count(String key) {
        Long n = number(key);
        return n == null || n < 0 ? 0 : n;
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
