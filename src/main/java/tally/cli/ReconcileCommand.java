package tally.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Reconcile;
import tally.core.Nanos;
import tally.importers.anthropic.Reconciliation;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.TextTable;

import java.io.PrintWriter;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

@Command(name = "reconcile", description = "Tally's cost against the provider's billed cost (imported with 'tally import anthropic'), "
        + "per UTC day and model; days off by more than 1%% are flagged.")
final class ReconcileCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--month", paramLabel = "YYYY-MM", description = "The month (default: this month, UTC).")
    String month;

    @Option(names = "--provider", paramLabel = "anthropic|aws", description = "Whose bill: the Anthropic cost report (default) "
            + "or the AWS bill for Bedrock (imported with 'tally import aws-costs').")
    String provider = "anthropic";

    @Mixin TableOrJsonOption format;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        ReportFormat fmt = format.parse();
        YearMonth m;
        try {
            m = month == null ? YearMonth.now(ZoneOffset.UTC) : YearMonth.parse(month.trim());
        } catch (DateTimeParseException e) {
            throw new UserError("--month: expected YYYY-MM, got '" + month + "'");
        }
        try (Backend b = Backend.openForReading(g)) {
            Reconciliation r = switch (provider) {
                case "anthropic" -> b.call(Ops.RECONCILE, new Reconcile.Request(m));
                case "aws" -> b.call(Ops.RECONCILE_AWS, new Reconcile.Request(m));
                default -> throw new UserError("--provider: expected anthropic or aws, got '" + provider + "'");
            };
            PrintWriter out = spec.commandLine().getOut();
            out.print(fmt == ReportFormat.JSON ? json(r) : table(r));
        }
    }

    static String table(Reconciliation r) {
        StringBuilder sb = new StringBuilder("Reconciliation " + r.month() + " (UTC days): Tally's cost vs the provider's billed cost\n\n");
        TextTable t = new TextTable("Day", "Model", "Tally", "Provider", "Diff", "Diff %", "Claude Code est.", "");
        for (Reconciliation.Line l : r.lines()) {
            t.row(l.day().toString(), l.model(), Nanos.toDollars(l.tallyNanos()), Nanos.toDollars(l.providerNanos()),
                    Nanos.toDollars(l.diffNanos()), l.percent() == null ? "n/a" : l.percent() + "%",
                    l.claudeCodeNanos() == null ? "" : Nanos.toDollars(l.claudeCodeNanos()), l.off() ? "OFF" : "");
        }
        sb.append(t.render());
        if (r.lines().isEmpty()) sb.append("(nothing to compare: import with 'tally import anthropic --since …' or 'tally import aws-costs --since …')\n");
        sb.append('\n').append("Total: Tally ").append(Nanos.toDollars(r.tallyTotal())).append(", provider ")
                .append(Nanos.toDollars(r.providerTotal())).append('\n');
        sb.append(r.daysOff().isEmpty() ? "No day is off by more than 1%.\n"
                : "Days off by more than 1%: " + String.join(", ", r.daysOff().stream().map(Object::toString).toList()) + "\n");
        if (!r.telemetry().isEmpty()) {
            sb.append("\nClaude Code's own estimate (OTel cost_usd, list price) against Tally's cost of the same sessions\n\n");
            TextTable e = new TextTable("Day", "Claude Code est.", "Tally", "Diff", "Diff %");
            for (Reconciliation.EstimateDay d : r.telemetry()) {
                e.row(d.day().toString(), Nanos.toDollars(d.claudeCodeNanos()), Nanos.toDollars(d.tallyNanos()),
                        Nanos.toDollars(d.diffNanos()), d.percent() == null ? "n/a" : d.percent() + "%");
            }
            sb.append(e.render());
        }
        return sb.toString();
    }

    static String json(Reconciliation r) {
        ObjectNode root = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        root.put("month", r.month().toString());
        ArrayNode lines = root.putArray("lines");
        for (Reconciliation.Line l : r.lines()) {
            ObjectNode o = lines.addObject();
            o.put("day", l.day().toString()).put("model", l.model())
                    .put("tally_usd", Nanos.toDecimal(l.tallyNanos())).put("provider_usd", Nanos.toDecimal(l.providerNanos()))
                    .put("diff_usd", Nanos.toDecimal(l.diffNanos()));
            if (l.percent() == null) o.putNull("diff_pct"); else o.put("diff_pct", l.percent());
            if (l.claudeCodeNanos() == null) o.putNull("claude_code_estimate_usd");
            else o.put("claude_code_estimate_usd", Nanos.toDecimal(l.claudeCodeNanos()));
            o.put("off", l.off());
        }
        root.put("tally_total_usd", Nanos.toDecimal(r.tallyTotal()));
        root.put("provider_total_usd", Nanos.toDecimal(r.providerTotal()));
        ArrayNode days = root.putArray("days_off");
        r.daysOff().forEach(d -> days.add(d.toString()));
        ArrayNode telemetry = root.putArray("claude_code_telemetry");
        for (Reconciliation.EstimateDay d : r.telemetry()) {
            ObjectNode o = telemetry.addObject().put("day", d.day().toString())
                    .put("claude_code_estimate_usd", Nanos.toDecimal(d.claudeCodeNanos()))
                    .put("tally_usd", Nanos.toDecimal(d.tallyNanos())).put("diff_usd", Nanos.toDecimal(d.diffNanos()));
            if (d.percent() == null) o.putNull("diff_pct"); else o.put("diff_pct", d.percent());
        }
        return CostReportWriter.toJson(root);
    }
}
