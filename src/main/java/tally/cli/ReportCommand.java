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
import tally.report.SplitReport;
import tally.report.SplitReportWriter;
import tally.store.Dimension;
import tally.store.ProviderReports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "report", description = "Tokens and cost per developer (or team, model, day, hour, source), "
        + "optionally split a second way (--split) and filtered (--user, --team, --model, --source).")
final class ReportCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin RangeOptions when;

    @Mixin FilterOptions filters;

    @Option(names = "--month", paramLabel = "YYYY-MM|this|last",
            description = "One calendar month: YYYY-MM, 'this' (the current month) or 'last' (the previous one).")
    String month;

    @Option(names = "--last", paramLabel = "DURATION",
            description = "A rolling window that ends now, e.g. 90m, 24h or 7d (cut at 15-minute boundaries), instead of whole days.")
    String last;

    @Option(names = "--by", defaultValue = "user", description = "user, team, model, day, hour, week, month, session or source (default user).")
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
        GlobalOptions g = ((Main) spec.root().userObject()).global;
        Dimension dimension = Dimension.parse(by);
        ReportFormat fmt = ReportFormat.parse(format);
        Dimension second = split == null ? null : splitDimension();
        if (reported && (second != null || filters.given())) {
            throw new UserError("--reported: Anthropic's report is by user, team, model or day only; no --split or filters");
        }
        try (Session s = Session.openForReading(g)) {
            ReportRange range = range(s);
            String text;
            if (second != null) {
                text = SplitReportWriter.render(SplitReport.build(s.ledger, range, dimension, second,
                        filters.anyOf(s.people, s.catalog())), fmt);
            } else if (reported) {
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
                text = CostReportWriter.render(CostReport.build(s.ledger, range, dimension,
                        filters.anyOf(s.people, s.catalog()), s.clock), fmt);
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

    /** --month, --last, or --days/--from/--to: one of them. */
    private ReportRange range(Session s) {
        int given = (month != null ? 1 : 0) + (last != null ? 1 : 0) + (when.given() ? 1 : 0);
        if (given > 1) throw new UserError("give one of --month, --last or --days/--from/--to");
        if (month != null) return ReportRange.month(month, s.zone(), s.clock);
        if (last != null) return ReportRange.rolling(Durations.parse("--last", last), s.zone(), s.clock);
        return when.range(s.zone(), s.clock);
    }

    private Dimension splitDimension() {
        try {
            return Dimension.parse(split);
        } catch (IllegalArgumentException e) {
            throw new UserError("--split: expected one of user, team, model, source, day, hour, week, month; got '" + split + "'");
        }
    }
}
