package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Activity.Kind;
import tally.core.Nanos;
import tally.identity.Person;
import tally.report.ReportRange;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/activity}: productivity from telemetry per developer (sessions, lines, commits, PRs),
 * their cost, cost per PR and per 1,000 lines, and daily active users. Same fields as {@code tally activity --format json}.
 */
final class ActivityApi {
    private final WebData data;

    ActivityApi(WebData data) {
        this.data = data;
    }

    JsonNode activity(Params p) {
        p.allow(Params.RANGE, List.of("person", "team"));
        ReportRange range = p.range(30);
        String person = p.string("person");
        String team = p.string("team");
        UsageQuery q = UsageQuery.of(range.start(), range.end(), Dimension.USER, range.zone()).withPerson(person).withTeam(team);
        Map<String, Long> cost = new TreeMap<>();
        for (UsageRow r : data.ledger().usage(q)) cost.put(r.key(), r.costNanos());
        Map<String, String> teams = new HashMap<>();
        for (Person x : data.people().list()) if (x.team() != null) teams.put(x.name(), x.team());

        Map<String, Map<Kind, Double>> people = new TreeMap<>();
        data.activity().totalsByPerson(range.start(), range.end()).forEach((name, kinds) -> {
            if (person != null && !person.equals(name)) return;
            if (team != null && !team.equals(teams.getOrDefault(name, "(none)"))) return;
            people.put(name, kinds);
        });
        cost.keySet().forEach(name -> people.computeIfAbsent(name, k -> new EnumMap<>(Kind.class)));

        ObjectNode out = Json.range(range);
        ArrayNode rows = out.putArray("rows");
        people.forEach((name, m) -> row(rows.addObject(), name, m, cost.getOrDefault(name, 0L)));
        ArrayNode dau = out.putArray("daily_active_users");
        for (Map.Entry<LocalDate, Integer> e : data.activity().dailyActiveUsers(range.start(), range.end(), range.zone()).entrySet()) {
            dau.addObject().put("day", e.getKey().toString()).put("users", e.getValue());
        }
        return out;
    }

    private static void row(ObjectNode o, String name, Map<Kind, Double> m, long costNanos) {
        double lines = v(m, Kind.LINES_ADDED) + v(m, Kind.LINES_REMOVED);
        double edits = v(m, Kind.EDIT_ACCEPTED) + v(m, Kind.EDIT_REJECTED);
        o.put("key", name)
                .put("sessions", Math.round(v(m, Kind.SESSION)))
                .put("active_hours", Math.round((v(m, Kind.ACTIVE_USER_SECONDS) + v(m, Kind.ACTIVE_CLI_SECONDS)) / 36) / 100.0)
                .put("lines_added", Math.round(v(m, Kind.LINES_ADDED)))
                .put("lines_removed", Math.round(v(m, Kind.LINES_REMOVED)))
                .put("commits", Math.round(v(m, Kind.COMMIT)))
                .put("pull_requests", Math.round(v(m, Kind.PULL_REQUEST)))
                .put("prompts", Math.round(v(m, Kind.PROMPT)))
                .put("cost_usd", Nanos.toDecimal(costNanos));
        if (edits == 0) o.putNull("edit_accept_rate"); else o.put("edit_accept_rate", v(m, Kind.EDIT_ACCEPTED) / edits);
        Json.money(o, "cost_per_pr_usd", per(costNanos, v(m, Kind.PULL_REQUEST), 1));
        Json.money(o, "cost_per_1k_lines_usd", per(costNanos, lines, 1000));
    }

    private static double v(Map<Kind, Double> m, Kind k) {
        return m.getOrDefault(k, 0.0);
    }

    private static Long per(long costNanos, double units, double scale) {
        return units <= 0 ? null : Math.round(costNanos / units * scale);
    }
}
