package tally.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** Most lines a digest's text lists; the rest are counted ("… and 12 more"). */
    static final int DIGEST_LINES = 20;

    /**
     * One message for everything a rule found in one evaluation: what newly fired, and what came back
     * within bounds. A single firing keeps the one-alert shape.
     */
    static Notification digest(AlertRule rule, List<Breach> fired, List<String> resolved, Instant at) {
        if (fired.size() == 1 && resolved.isEmpty()) return firing(rule, fired.get(0), at);
        if (fired.isEmpty() && resolved.size() == 1) return resolved(rule, null, resolved.get(0), at);
        List<String> lines = new ArrayList<>();
        for (Breach b : fired) lines.add(b.message());
        if (!resolved.isEmpty()) lines.add("Back within rule " + rule.name() + ": " + String.join(", ", resolved) + ".");
        String text = String.join("\n", lines.subList(0, Math.min(lines.size(), DIGEST_LINES)))
                + (lines.size() > DIGEST_LINES ? "\n… and " + (lines.size() - DIGEST_LINES) + " more" : "");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Rule", rule.name());
        f.put("Firing", Integer.toString(fired.size()));
        if (!resolved.isEmpty()) f.put("Resolved", Integer.toString(resolved.size()));
        if (fired.isEmpty()) {
            return new Notification(Type.RESOLVED, rule.name(), "Resolved: " + resolved.size() + " back within " + rule.name(), text, f, at, null);
        }
        StringBuilder table = new StringBuilder();
        for (Breach b : fired) table.append(b.who()).append(" | ").append(b.what()).append(" | ").append(b.amount())
                .append(" (threshold ").append(b.threshold()).append(")\n");
        return new Notification(Type.FIRING, rule.name(), "Alert: " + rule.name() + ", " + fired.size() + " out of bounds",
                text, f, at, table.toString());
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
