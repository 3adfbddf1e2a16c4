package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Reports;
import tally.report.ReportRange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "report", description = "Tokens and cost per developer (or team, model, day, hour, source), "
        + "optionally split a second way (--split) and filtered (--user, --team, --model, --source).")
final class ReportCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin PeriodOptions period;

    @Mixin FilterOptions filters;

    @Option(names = "--by", defaultValue = "user", description = "user, team, model, source, project, cost-center, key, region, day, hour, week, month or session (default user).")
    String by;

    @Option(names = "--split", paramLabel = "DIMENSION",
            description = "Cut each row a second way: a table with a column per value (e.g. --by model --split user,"
                    + " --by day --split model); CSV and JSON get one row per pair.")
    String split;

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
        GlobalOptions g = GlobalOptions.of(spec);
        tally.store.Dimension.parse(by); // bad options are reported before any store is looked for
        tally.report.ReportFormat.parse(format);
        if (reported && (split != null || filters.given())) {
            throw new UserError("--reported: Anthropic's report is by user, team, model or day only; no --split or filters");
        }
        ReportRange range = period.range(g.zone(), java.time.Clock.systemUTC());
        try (Backend b = Backend.openForReading(g)) {
            String text = b.call(Ops.REPORT, new Reports.Request(range, by, split, format, filters.spec(), reported)).text();
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
