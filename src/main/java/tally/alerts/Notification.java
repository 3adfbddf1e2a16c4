package tally.alerts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a channel delivers: an alert firing or resolved, a scheduled report, or a test. Already
 * worded; channels only lay it out.
 *
 * @param fields    labelled facts in order (Who, What, Amount, Threshold for alerts)
 * @param preformatted a fixed-width block (a report's table), or null
 */
public record Notification(Type type, String rule, String title, String text, Map<String, String> fields,
                           Instant at, String preformatted) {

    public enum Type {
        FIRING("alert.firing"), RESOLVED("alert.resolved"), REPORT("report"), TEST("test");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Notification {
        fields = new LinkedHashMap<>(fields);
    }

    static Notification firing(AlertRule rule, Breach b, Instant at) {
        return new Notification(Type.FIRING, rule.name(), "Alert: " + b.who() + ", " + b.what(), b.message(), facts(b), at, null);
    }

    static Notification resolved(AlertRule rule, String scopeKey, String who, Instant at) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Who", who);
        f.put("Rule", rule.name());
        return new Notification(Type.RESOLVED, rule.name(), "Resolved: " + who + " (" + rule.name() + ")",
                who + " is back within rule " + rule.name() + ".", f, at, null);
    }

    /** The sample {@code tally alerts test} sends: shaped like a real alert so a channel's layout can be checked. */
    public static Notification sample(Instant at) {
        Breach b = new Breach("team:platform", "Team platform", "cost today", "$12.34", "$10.00",
                "Team platform spent $12.34 today, above the $10.00 daily threshold. (A test from tally alerts test.)");
        Map<String, String> f = facts(b);
        return new Notification(Type.TEST, "test", "Test alert from Tally: " + b.who() + ", " + b.what(), b.message(), f, at, null);
    }

    private static Map<String, String> facts(Breach b) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Who", b.who());
        f.put("What", b.what());
        f.put("Amount", b.amount());
        f.put("Threshold", b.threshold());
        return f;
    }
}
