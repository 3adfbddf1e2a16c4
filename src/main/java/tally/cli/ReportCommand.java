package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.report.CostReport;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.report.ReportedUsage;
import tally.store.Dimension;
import tally.store.ProviderReports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "report", description = "Tokens and cost per developer (or team, model, day, hour, source).")
final class ReportCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin RangeOptions when;

    @Option(names = "--month", paramLabel = "YYYY-MM", description = "One calendar month.")
    String month;

    @Option(names = "--by", defaultValue = "user", description = "user, team, model, day, hour or source (default user).")
    String by;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default table).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE instead of the terminal.")
    Path out;

    @Option(names = {"--reported", "--provider-reported"}, description = "From Anthropic's own usage report (imported with "
            + "'tally import anthropic'): API keys mapped to people through aliases, tokens priced at list price. "
            + "By user, team, model or day. Kept apart from the ledger.")
    boolean reported;

    @Override
    public void run() {
        GlobalOptions g = ((Main) spec.root().userObject()).global;
        Dimension dimension = Dimension.parse(by);
        ReportFormat fmt = ReportFormat.parse(format);
        try (Session s = Session.openForReading(g)) {
            ReportRange range;
            if (month != null) {
                if (when.given()) throw new UserError("give either --month or --days/--from/--to");
                range = ReportRange.month(month, s.zone());
            } else {
                range = when.range(s.zone(), s.clock);
            }
            String text;
            if (reported) {
                CostReport r;
                try {
                    r = ReportedUsage.build(new ProviderReports(s.store), s.people, s.catalog(), range, dimension, s.clock);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
                text = CostReportWriter.render(r, fmt);
                if (fmt == ReportFormat.TABLE) {
                    text = "As Anthropic reports it (Admin usage report, API keys mapped to people); cost at list price,"
                            + " requests not reported.\n" + (r.rows().isEmpty()
                            ? "(nothing imported for this range: run 'tally import anthropic --since …')\n" : "") + text;
                }
            } else {
                text = CostReportWriter.render(CostReport.build(s.ledger, range, dimension, s.clock), fmt);
            }
            if (out == null) {
                spec.commandLine().getOut().print(text);
            } else {
                try {
                    Files.writeString(out, text, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UserError("--out: cannot write " + out + ": " + e.getMessage());
                }
                spec.commandLine().getOut().println("wrote " + out);
            }
        }
    }
}
