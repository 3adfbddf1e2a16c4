package tally.alerts;

import java.util.List;

/**
 * Rules that apply unless the config file says {@code "defaults": false}: the seeds' two alarms
 * (a team's day over $10, one developer's day over $5), budget warnings at 50/80/90/100 %, and the
 * loud one, models nobody can price. A config rule with the same name replaces a default.
 */
public final class DefaultRules {
    private DefaultRules() {}

    public static List<AlertRule> all() {
        return List.of(
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "team-daily-cost").put("kind", "threshold")
                        .put("metric", "cost").put("period", "day").put("scope", "team").put("above", "10")),
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "developer-daily-cost").put("kind", "threshold")
                        .put("metric", "cost").put("period", "day").put("scope", "person").put("above", "5")),
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "budget-thresholds").put("kind", "budget")),
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "unpriced-model").put("kind", "unpriced-model")));
    }
}
