package tally.alerts;

import java.util.List;

/**
 * Rules that apply unless the config file says {@code "defaults": false}: the seeds' two alarms
 * (the team's day over $10, one developer's day over $5), budget warnings at 50/80/90/100 %, and the
 * loud one, models nobody can price. A config rule with the same name replaces a default.
 *
 * <p>"The team" of the seeds is everyone Tally meters, so the $10 alarm watches the organization's
 * total: it fires even where nobody has been given a team. A per-team alarm is one config rule away.
 */
public final class DefaultRules {
    private DefaultRules() {}

    public static List<AlertRule> all() {
        return List.of(
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "team-daily-cost").put("kind", "threshold")
                        .put("metric", "cost").put("period", "day").put("scope", "organization").put("above", "10")),
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "developer-daily-cost").put("kind", "threshold")
                        .put("metric", "cost").put("period", "day").put("scope", "person").put("above", "5")),
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "budget-thresholds").put("kind", "budget")),
                RuleJson.parse(RuleJson.JSON.createObjectNode().put("name", "unpriced-model").put("kind", "unpriced-model")));
    }
}
