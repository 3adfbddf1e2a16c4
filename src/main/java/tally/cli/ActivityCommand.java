package tally.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Activity;
import tally.app.Ops;
import tally.core.Activity.Kind;
import tally.core.Figures;
import tally.core.Nanos;
import tally.report.ActivityReport;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.report.TextTable;

import java.math.BigDecimal;
import java.math.RoundingMode;

@Command(name = "activity", description = "Per developer: sessions, active hours, lines, commits, PRs, edit accept rate, cost per PR and per 1,000 lines (from telemetry).")
final class ActivityCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin RangeOptions when;

    @Mixin FormatOption format;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        ReportFormat fmt = format.parse();
        ReportRange range = when.range(g.zone(), java.time.Clock.systemUTC());
        try (Backend b = Backend.openForReading(g)) {
            ActivityReport report = b.call(Ops.ACTIVITY, new Activity.Request(range));
            spec.commandLine().getOut().print(switch (fmt) {
                case JSON -> json(report);
                case CSV -> report.toCsv(); // the rows per developer; the daily active users are in the table and JSON
                case TABLE -> table(report);
            });
        }
    }

    private static String json(ActivityReport r) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("from", r.range().from().toString()).put("to", r.range().to().toString()).put("timezone", r.range().zone().getId());
        return CostReportWriter.toJson(r.toJson(root));
    }

    private static String table(ActivityReport r) {
        StringBuilder sb = new StringBuilder("Activity by developer, " + r.range().from() + " to " + r.range().to()
                + " (" + r.range().zone().getId() + ")\n\n");
        TextTable t = new TextTable("Developer", "Sessions", "Active h", "Lines +", "Lines -", "Commits", "PRs",
                "Edit accept", "Cost (USD)", "Cost/PR", "Cost/1k lines");
        for (ActivityReport.Row row : r.rows()) {
            Double rate = row.editAcceptRate();
            t.row(row.person(), count(row.get(Kind.SESSION)), fixed(row.activeHours(), 1),
                    count(row.get(Kind.LINES_ADDED)), count(row.get(Kind.LINES_REMOVED)), count(row.get(Kind.COMMIT)),
                    count(row.get(Kind.PULL_REQUEST)), rate == null ? "-" : fixed(rate * 100, 0) + "%",
                    Nanos.toDollars(row.costNanos()), dollars(row.costPerPullRequest()), dollars(row.costPerThousandLines()));
        }
        sb.append(t.render());
        if (r.rows().isEmpty()) sb.append("(no activity in this range)\n");
        sb.append("\nDaily active users: ");
        if (r.dailyActiveUsers().isEmpty()) sb.append("none");
        r.dailyActiveUsers().forEach((d, n) -> sb.append(d).append(' ').append(n).append("  "));
        return sb.toString().stripTrailing() + "\n";
    }

    /**
     * A non-negative amount as {@code %.Nf} prints it (half-up from its shortest decimal form), with a point
     * whatever the locale, and without parsing a format pattern per cell (~12 ms of the command).
     */
    private static String fixed(double d, int decimals) {
        return BigDecimal.valueOf(d).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }

    private static String count(double d) {
        return Figures.grouped(Math.round(d));
    }

    private static String dollars(Long nanos) {
        return nanos == null ? "-" : Nanos.toDollars(nanos);
    }
}
