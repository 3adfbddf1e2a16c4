package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules as JSON, one shape for the config file, the API and the rules stored in the database:
 * {@code {"name": "...", "kind": "threshold", "cooldown": "1h", "channels": ["slack"], ...kind fields}}.
 * Money is written as a decimal string or number of dollars and kept as nano-dollars.
 */
public final class RuleJson {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The fields every rule may have, then each kind's own: anything else is refused, never ignored. */
    private static final List<String> BASICS = List.of("name", "kind", "cooldown", "channels");
    private static final Map<String, List<String>> FIELDS = Map.of(
            "threshold", List.of("metric", "period", "scope", "subject", "above", "source", "model", "team", "project"),
            "budget", List.of("percentages"),
            "baseline", List.of("factor", "days", "minDays", "minimum"),
            "runaway", List.of("rpm", "minutes"),
            "after-hours", List.of("hours", "days", "zones", "source", "model", "team", "project"),
            "long-response", List.of("outputTokens", "minutes"),
            "unpriced-model", List.of("hours"),
            "telemetry-stopped", List.of("after", "lookback"));

    private static final String KINDS = "kind: expected threshold, budget, baseline, runaway, after-hours, long-response,"
            + " unpriced-model or telemetry-stopped";

    private RuleJson() {}

    public static AlertRule parse(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("a rule must be a JSON object");
        String name = text(n, "name", null);
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a rule needs a name");
        if (!name.matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new IllegalArgumentException("rule name '" + name + "': use letters, digits, '.', '_', ':' or '-'");
        }
        String kind = text(n, "kind", null);
        if (kind == null) throw new IllegalArgumentException("rule '" + name + "' needs a kind");
        try {
            checkFields(n, kind);
            AlertRule.Basics b = new AlertRule.Basics(name,
                    n.has("cooldown") ? Wording.parseDuration("cooldown", n.get("cooldown").asText()) : AlertRule.Basics.DEFAULT_COOLDOWN,
                    strings(n.get("channels")));
            return switch (kind) {
                case "threshold" -> threshold(n, b);
                case "budget" -> new BudgetRule(b, n.has("percentages") ? ints(n.get("percentages")) : BudgetRule.DEFAULT_PERCENTAGES);
                case "baseline" -> new BaselineRule(b, new BigDecimal(text(n, "factor", "3")), integer(n, "days", 14),
                        integer(n, "minDays", 3), dollars(text(n, "minimum", "1")));
                case "runaway" -> new RunawayRule(b, integer(n, "rpm", 30), integer(n, "minutes", 15));
                case "after-hours" -> afterHours(n, b);
                case "long-response" -> new LongResponseRule(b, integer(n, "outputTokens", 32_000), integer(n, "minutes", 15));
                case "unpriced-model" -> new UnpricedModelRule(b, integer(n, "hours", 24));
                case "telemetry-stopped" -> new TelemetryStoppedRule(b, Wording.parseDuration("after", text(n, "after", "24h")),
                        Wording.parseDuration("lookback", text(n, "lookback", "7d")));
                default -> throw new IllegalArgumentException(KINDS + "; got '" + kind + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Refuses a key the rule's kind does not take (a misspelt one would otherwise be dropped unseen). */
    private static void checkFields(JsonNode n, String kind) {
        List<String> own = FIELDS.get(kind);
        if (own == null) throw new IllegalArgumentException(KINDS + "; got '" + kind + "'");
        List<String> known = new ArrayList<>(BASICS);
        known.addAll(own);
        Wording.refuseUnknownKeys(n, known);
    }

    private static ThresholdRule threshold(JsonNode n, AlertRule.Basics b) {
        ThresholdRule.Metric metric = ThresholdRule.Metric.parse(text(n, "metric", "cost"));
        String above = text(n, "above", null);
        if (above == null) throw new IllegalArgumentException("a threshold needs 'above' (dollars for cost, a count for tokens or requests)");
        long limit;
        try {
            limit = metric == ThresholdRule.Metric.COST ? dollars(above) : Long.parseLong(above.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("above: not a number: '" + above + "'");
        }
        return new ThresholdRule(b, metric, Period.parse(text(n, "period", "day")), Scope.parse(text(n, "scope", "organization")),
                text(n, "subject", null), limit, RuleFilter.parse(n));
    }

    private static AfterHoursRule afterHours(JsonNode n, AlertRule.Basics b) {
        String[] hours = text(n, "hours", "09:00-18:00").split("-");
        if (hours.length != 2) throw new IllegalArgumentException("hours: expected HH:MM-HH:MM");
        Map<String, ZoneId> zones = new HashMap<>();
        JsonNode z = n.get("zones");
        if (z != null) {
            z.fields().forEachRemaining(e -> {
                try {
                    zones.put(e.getKey(), ZoneId.of(e.getValue().asText()));
                } catch (RuntimeException ex) {
                    throw new IllegalArgumentException("zones: unknown time zone '" + e.getValue().asText() + "'");
                }
            });
        }
        try {
            return new AfterHoursRule(b, LocalTime.parse(hours[0].trim()), LocalTime.parse(hours[1].trim()),
                    AfterHoursRule.parseDays(text(n, "days", "mon-fri")), zones, RuleFilter.parse(n));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("hours: expected HH:MM-HH:MM");
        }
    }

    public static ObjectNode write(AlertRule r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", r.name());
        o.put("kind", r.kind());
        o.put("cooldown", Wording.formatDuration(r.basics().cooldown()));
        if (!r.basics().channels().isEmpty()) r.basics().channels().forEach(o.putArray("channels")::add);
        r.writeFields(o);
        return o;
    }

    static long dollars(String s) {
        try {
            long v = Nanos.fromDollars(s);
            if (v < 0) throw new IllegalArgumentException("an amount must not be negative: " + s);
            return v;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("not an amount of dollars: '" + s + "'");
        }
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static int integer(JsonNode n, String field, int dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.canConvertToInt() && !v.isTextual()) throw new IllegalArgumentException(field + ": expected a whole number");
        try {
            return v.isTextual() ? Integer.parseInt(v.asText().trim()) : v.intValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": expected a whole number; got '" + v.asText() + "'");
        }
    }

    /** A budget rule's percentages: whole numbers, each once; anything else is refused by value, never read as 0. */
    private static List<Integer> ints(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        if (!n.isArray()) throw new IllegalArgumentException("percentages: expected a list such as [50, 80, 90, 100]");
        for (JsonNode v : n) {
            int p = percentage(v);
            if (out.contains(p)) throw new IllegalArgumentException("percentages: " + p + " is listed twice");
            out.add(p);
        }
        return out;
    }

    /** 80 or "80", as other whole-number fields are read; "x", 80.5 or null is refused by value. */
    private static int percentage(JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
        if (v.isTextual() && v.asText().trim().matches("[0-9]{1,9}")) return Integer.parseInt(v.asText().trim());
        throw new IllegalArgumentException("percentages: expected whole numbers such as [50, 80, 90, 100]; got "
                + (v.isTextual() ? "'" + v.asText() + "'" : v.toString()));
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) return out;
        if (n.isTextual()) return List.of(n.asText());
        n.forEach(v -> out.add(v.asText()));
        return out;
    }
}
