package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import tally.report.ActivityReport;
import tally.report.ReportRange;

import java.util.List;

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
        return ActivityReport.build(data.ledger(), data.activity(), data.people(), range, person, team)
                .toJson(Json.range(range));
    }
}
