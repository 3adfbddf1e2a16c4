package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The alerts file ({@code tally serve --alerts FILE} or {@code $TALLY_ALERTS}), JSON:
 * <pre>
 * {"defaults": true, "interval": "1m",
 *  "channels": {"slack": {"type": "slack", "url": "env:SLACK_WEBHOOK"}, ...},
 *  "rules": [{"name": "...", "kind": "threshold", ...}],
 *  "reports": [{"every": "weekly", "channels": ["email"]}],
 *  "metrics": {"people": 50, "cacheSeconds": 5}}
 * </pre>
 * No file means the defaults, the log channel and no scheduled reports.
 */
public record AlertsConfig(boolean defaults, Duration interval, JsonNode channels, List<AlertRule> rules,
                           List<ReportSchedule> reports, int metricsPeople, Duration metricsCache) {

    public static final AlertsConfig NONE = new AlertsConfig(true, Duration.ofMinutes(1), null, List.of(), List.of(), 50,
            Duration.ofSeconds(5));

    /** The file named by the flag, else by $TALLY_ALERTS, else none. */
    public static AlertsConfig load(Path flag) {
        Path file = flag;
        if (file == null) {
            String env = System.getenv("TALLY_ALERTS");
            if (env != null && !env.isBlank()) file = Path.of(env);
        }
        return file == null ? NONE : read(file);
    }

    public static AlertsConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--alerts: cannot read " + file + ": " + e.getMessage());
        }
        try {
            return parse(RuleJson.JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("--alerts: " + file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--alerts: " + file + ": " + e.getMessage());
        }
    }

    private static final List<String> KEYS = List.of("defaults", "interval", "channels", "rules", "reports", "metrics");

    public static AlertsConfig parse(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("expected a JSON object");
        Wording.refuseUnknownKeys(root, KEYS);
        Channels.refuseUnknownKeys(root.get("channels"));
        List<AlertRule> rules = new ArrayList<>();
        JsonNode r = root.get("rules");
        if (r != null) {
            if (!r.isArray()) throw new IllegalArgumentException("rules: expected a list");
            for (JsonNode n : r) rules.add(RuleJson.parse(n));
        }
        List<ReportSchedule> reports = new ArrayList<>();
        JsonNode rep = root.get("reports");
        if (rep != null) {
            if (!rep.isArray()) throw new IllegalArgumentException("reports: expected a list");
            for (JsonNode n : rep) reports.add(ReportSchedule.parse(n));
        }
        JsonNode m = root.path("metrics");
        if (m.isObject()) {
            try {
                Wording.refuseUnknownKeys(m, List.of("people", "cacheSeconds"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("metrics: " + e.getMessage(), e);
            }
        }
        int people = m.path("people").asInt(50);
        if (people < 1) throw new IllegalArgumentException("metrics.people: must be at least 1");
        Duration interval = root.has("interval") ? Wording.parseDuration("interval", root.get("interval").asText()) : Duration.ofMinutes(1);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("interval: at least 1s");
        return new AlertsConfig(root.path("defaults").asBoolean(true), interval, root.get("channels"), rules, reports,
                people, Duration.ofSeconds(m.path("cacheSeconds").asInt(5)));
    }

    /** For a config built in code: the same object with channels given as JSON. */
    public AlertsConfig withChannels(ObjectNode channels) {
        return new AlertsConfig(defaults, interval, channels, rules, reports, metricsPeople, metricsCache);
    }
}
