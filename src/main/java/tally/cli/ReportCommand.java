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
import tally.store.Dimension;

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

    @Override
    public void run() {
        GlobalOptions g = ((Main) spec.root().userObject()).global;
        Dimension dimension = Dimension.parse(by);
        ReportFormat fmt = ReportFormat.parse(format);
        try (Session s = Session.open(g)) {
            ReportRange range;
            if (month != null) {
                if (when.given()) throw new UserError("give either --month or --days/--from/--to");
                range = ReportRange.month(month, s.zone());
            } else {
                range = when.range(s.zone(), s.clock);
            }
            String text = CostReportWriter.render(CostReport.build(s.ledger, range, dimension, s.clock), fmt);
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
