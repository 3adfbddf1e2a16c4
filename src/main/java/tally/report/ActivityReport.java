package tally.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Activity.Kind;
import tally.core.Beside;
import tally.core.Nanos;
import tally.identity.People;
import tally.identity.Person;
import tally.store.ActivityLog;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.UsageQuery;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Productivity from telemetry per developer beside their cost: sessions, active hours, lines,
 * commits, PRs, edit accept rate, cost per PR and per 1,000 lines, and daily active users. One
 * definition for {@code tally activity} and {@code /api/activity}.
 */
public record ActivityReport(ReportRange range, List<Row> rows, Map<LocalDate, Integer> dailyActiveUsers) {

    /** One developer. Rates and per-unit costs are null where there is nothing to divide by. */
    public record Row(String person, Map<Kind, Double> activity, long costNanos) {
        public double get(Kind k) {
            return activity.getOrDefault(k, 0.0);
        }

        public double activeHours() {
            return (get(Kind.ACTIVE_USER_SECONDS) + get(Kind.ACTIVE_CLI_SECONDS)) / 3600;
        }

        public Double editAcceptRate() {
            double all = get(Kind.EDIT_ACCEPTED) + get(Kind.EDIT_REJECTED);
            return all == 0 ? null : get(Kind.EDIT_ACCEPTED) / all;
        }

        public Long costPerPullRequest() {
            return per(get(Kind.PULL_REQUEST), 1);
        }

        public Long costPerThousandLines() {
            return per(get(Kind.LINES_ADDED) + get(Kind.LINES_REMOVED), 1000);
        }

        private Long per(double units, double scale) {
            return units <= 0 ? null : Math.round(costNanos / units * scale);
        }
    }

    /** Everyone with activity or cost in the range; person and team narrow it (null means all). */
    public static ActivityReport build(Ledger ledger, ActivityLog log, People people, ReportRange range, String person, String team) {
        UsageQuery q = UsageQuery.of(range.start(), range.end(), Dimension.USER, range.zone()).withPerson(person).withTeam(team);
        // the daily active users read beside the cost per person: two independent queries (13 and 18 ms at 10M records)
        Beside<Map<LocalDate, Integer>> daily = Beside.start("activity-daily-users",
                () -> log.dailyActiveUsers(range.start(), range.end(), range.zone()));
        Map<String, Long> cost = new TreeMap<>(ledger.costs(q));
        Map<String, String> teams = new HashMap<>();
        for (Person p : people.list()) if (p.team() != null) teams.put(p.name(), p.team());

        Map<String, Map<Kind, Double>> activity = new TreeMap<>();
        log.totalsByPerson(range.start(), range.end()).forEach((name, kinds) -> {
            if (person != null && !person.equals(name)) return;
            if (team != null && !team.equals(teams.getOrDefault(name, "(none)"))) return;
            activity.put(name, kinds);
        });
        cost.keySet().forEach(name -> activity.computeIfAbsent(name, k -> new EnumMap<>(Kind.class)));
        List<Row> rows = new ArrayList<>();
        activity.forEach((name, kinds) -> rows.add(new Row(name, kinds, cost.getOrDefault(name, 0L))));
        return new ActivityReport(range, rows, daily.join());
    }

    /** The JSON both the command and the API print. */
    public ObjectNode toJson(ObjectNode root) {
        ArrayNode out = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = out.addObject().put("key", r.person())
                    .put("sessions", Math.round(r.get(Kind.SESSION)))
                    .put("active_hours", hundredths(r.activeHours()))
                    .put("lines_added", Math.round(r.get(Kind.LINES_ADDED)))
                    .put("lines_removed", Math.round(r.get(Kind.LINES_REMOVED)))
                    .put("commits", Math.round(r.get(Kind.COMMIT)))
                    .put("pull_requests", Math.round(r.get(Kind.PULL_REQUEST)))
                    .put("prompts", Math.round(r.get(Kind.PROMPT)))
                    .put("cost_usd", Nanos.toDecimal(r.costNanos()));
            if (r.editAcceptRate() == null) o.putNull("edit_accept_rate"); else o.put("edit_accept_rate", r.editAcceptRate());
            money(o, "cost_per_pr_usd", r.costPerPullRequest());
            money(o, "cost_per_1k_lines_usd", r.costPerThousandLines());
        }
        ArrayNode dau = root.putArray("daily_active_users");
        dailyActiveUsers.forEach((day, n) -> dau.addObject().put("day", day.toString()).put("users", n));
        return root;
    }

    /** The JSON's field names, in its order, for the CSV's header. */
    static final String CSV_HEADER = "key,sessions,active_hours,lines_added,lines_removed,commits,pull_requests,prompts,"
            + "cost_usd,edit_accept_rate,cost_per_pr_usd,cost_per_1k_lines_usd";

    /**
     * The rows as CSV, one per developer, with the JSON's names and values (money as its exact decimal
     * string, an empty cell where JSON has null). The daily active users are another table and stay in JSON.
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            sb.append(CostReportWriter.csvField(r.person())).append(',').append(Math.round(r.get(Kind.SESSION))).append(',')
                    .append(plain(hundredths(r.activeHours()))).append(',')
                    .append(Math.round(r.get(Kind.LINES_ADDED))).append(',').append(Math.round(r.get(Kind.LINES_REMOVED))).append(',')
                    .append(Math.round(r.get(Kind.COMMIT))).append(',').append(Math.round(r.get(Kind.PULL_REQUEST))).append(',')
                    .append(Math.round(r.get(Kind.PROMPT))).append(',').append(Nanos.toDecimal(r.costNanos())).append(',')
                    .append(r.editAcceptRate() == null ? "" : plain(r.editAcceptRate())).append(',')
                    .append(decimal(r.costPerPullRequest())).append(',').append(decimal(r.costPerThousandLines())).append('\n');
        }
        return sb.toString();
    }

    private static double hundredths(double d) {
        return Math.round(d * 100) / 100.0;
    }

    /** A double as the digits JSON writes, never in exponent form ("1.0E-4" is "0.00010"). */
    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).toPlainString();
    }

    private static String decimal(Long nanos) {
        return nanos == null ? "" : Nanos.toDecimal(nanos);
    }

    private static void money(ObjectNode o, String field, Long nanos) {
        if (nanos == null) o.putNull(field); else o.put(field, Nanos.toDecimal(nanos));
    }
}
