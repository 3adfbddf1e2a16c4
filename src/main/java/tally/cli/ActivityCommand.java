package tally.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.core.Activity.Kind;
import tally.core.Nanos;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.report.TextTable;
import tally.store.ActivityLog;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

@Command(name = "activity", description = "Per developer: sessions, active hours, lines, commits, PRs, edit accept rate, cost per PR and per 1,000 lines (from telemetry).")
final class ActivityCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--days", defaultValue = "30", description = "The last N days, today included (default 30).")
    int days;

    @Option(names = "--format", defaultValue = "table", description = "table or json.")
    String format;

    @Override
    public void run() {
        GlobalOptions g = ((Main) spec.root().userObject()).global;
        ReportFormat fmt = ReportFormat.parse(format);
        try (Session s = Session.open(g)) {
            ReportRange range = ReportRange.lastDays(days, s.zone(), s.clock);
            ActivityLog log = new ActivityLog(s.store);
            Map<String, Map<Kind, Double>> activity = log.totalsByPerson(range.start(), range.end());
            Map<String, Long> cost = new TreeMap<>();
            for (UsageRow r : s.ledger.usage(UsageQuery.of(range.start(), range.end(), Dimension.USER, s.zone()))) {
                cost.put(r.key(), r.costNanos());
            }
            Map<String, Map<Kind, Double>> people = new TreeMap<>(activity);
            cost.keySet().forEach(p -> people.computeIfAbsent(p, k -> new EnumMap<>(Kind.class)));
            Map<LocalDate, Integer> dau = log.dailyActiveUsers(range.start(), range.end(), s.zone());
            spec.commandLine().getOut().print(fmt == ReportFormat.JSON ? json(range, people, cost, dau) : table(range, people, cost, dau));
        }
    }

    private static double v(Map<Kind, Double> m, Kind k) {
        return m.getOrDefault(k, 0.0);
    }

    /** Accepted share of edit decisions, or null when there were none. */
    private static Double acceptRate(Map<Kind, Double> m) {
        double yes = v(m, Kind.EDIT_ACCEPTED);
        double all = yes + v(m, Kind.EDIT_REJECTED);
        return all == 0 ? null : yes / all;
    }

    private static Long per(long costNanos, double units, double scale) {
        return units <= 0 ? null : Math.round(costNanos / units * scale);
    }

    private static String table(ReportRange range, Map<String, Map<Kind, Double>> people, Map<String, Long> cost, Map<LocalDate, Integer> dau) {
        StringBuilder sb = new StringBuilder("Activity by developer, " + range.from() + " to " + range.to()
                + " (" + range.zone().getId() + ")\n\n");
        TextTable t = new TextTable("Developer", "Sessions", "Active h", "Lines +", "Lines -", "Commits", "PRs",
                "Edit accept", "Cost (USD)", "Cost/PR", "Cost/1k lines");
        people.forEach((p, m) -> {
            long c = cost.getOrDefault(p, 0L);
            double lines = v(m, Kind.LINES_ADDED) + v(m, Kind.LINES_REMOVED);
            Double rate = acceptRate(m);
            Long perPr = per(c, v(m, Kind.PULL_REQUEST), 1);
            Long perK = per(c, lines, 1000);
            t.row(p, fmt(v(m, Kind.SESSION)), String.format("%.1f", (v(m, Kind.ACTIVE_USER_SECONDS) + v(m, Kind.ACTIVE_CLI_SECONDS)) / 3600),
                    fmt(v(m, Kind.LINES_ADDED)), fmt(v(m, Kind.LINES_REMOVED)), fmt(v(m, Kind.COMMIT)), fmt(v(m, Kind.PULL_REQUEST)),
                    rate == null ? "-" : String.format("%.0f%%", rate * 100), Nanos.toDollars(c),
                    perPr == null ? "-" : Nanos.toDollars(perPr), perK == null ? "-" : Nanos.toDollars(perK));
        });
        sb.append(t.render());
        if (people.isEmpty()) sb.append("(no activity in this range)\n");
        sb.append("\nDaily active users: ");
        if (dau.isEmpty()) sb.append("none");
        dau.forEach((d, n) -> sb.append(d).append(' ').append(n).append("  "));
        return sb.toString().stripTrailing() + "\n";
    }

    private static String fmt(double d) {
        return String.format("%,d", Math.round(d));
    }

    private static String json(ReportRange range, Map<String, Map<Kind, Double>> people, Map<String, Long> cost, Map<LocalDate, Integer> dau) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("from", range.from().toString()).put("to", range.to().toString()).put("timezone", range.zone().getId());
        ArrayNode rows = root.putArray("rows");
        people.forEach((p, m) -> {
            long c = cost.getOrDefault(p, 0L);
            double lines = v(m, Kind.LINES_ADDED) + v(m, Kind.LINES_REMOVED);
            Double rate = acceptRate(m);
            Long perPr = per(c, v(m, Kind.PULL_REQUEST), 1);
            Long perK = per(c, lines, 1000);
            ObjectNode o = rows.addObject().put("key", p)
                    .put("sessions", Math.round(v(m, Kind.SESSION)))
                    .put("active_hours", (v(m, Kind.ACTIVE_USER_SECONDS) + v(m, Kind.ACTIVE_CLI_SECONDS)) / 3600)
                    .put("lines_added", Math.round(v(m, Kind.LINES_ADDED)))
                    .put("lines_removed", Math.round(v(m, Kind.LINES_REMOVED)))
                    .put("commits", Math.round(v(m, Kind.COMMIT)))
                    .put("pull_requests", Math.round(v(m, Kind.PULL_REQUEST)))
                    .put("prompts", Math.round(v(m, Kind.PROMPT)))
                    .put("cost_usd", Nanos.toDecimal(c));
            if (rate == null) o.putNull("edit_accept_rate"); else o.put("edit_accept_rate", rate);
            if (perPr == null) o.putNull("cost_per_pr_usd"); else o.put("cost_per_pr_usd", Nanos.toDecimal(perPr));
            if (perK == null) o.putNull("cost_per_1k_lines_usd"); else o.put("cost_per_1k_lines_usd", Nanos.toDecimal(perK));
        });
        ObjectNode d = root.putObject("daily_active_users");
        dau.forEach((day, n) -> d.put(day.toString(), n));
        return CostReportWriter.toJson(root);
    }
}
