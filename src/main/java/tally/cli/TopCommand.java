package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Top;
import tally.core.Figures;
import tally.core.Nanos;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.report.RequestList;
import tally.report.TextTable;
import tally.store.TopRequest;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

@Command(name = "top", description = "The most expensive requests.")
final class TopCommand implements Runnable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Spec CommandSpec spec;

    @Mixin RangeOptions when;

    @Option(names = "--limit", defaultValue = "10", description = "How many (default 10).")
    int limit;

    @Mixin FormatOption format;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        if (limit < 1 || limit > 10_000) throw new UserError("--limit must be between 1 and 10000 (got " + limit + ")");
        ReportFormat fmt = format.parse();
        ReportRange range = when.range(g.zone(), java.time.Clock.systemUTC());
        try (Backend b = Backend.openForReading(g)) {
            List<TopRequest> top = b.call(Ops.TOP, new Top.Request(range, limit));
            // single requests, as `recent` lists them: the same fields and names in JSON and CSV
            spec.commandLine().getOut().print(switch (fmt) {
                case JSON -> RequestList.json(top);
                case CSV -> RequestList.csv(top);
                case TABLE -> table(top, g.zone());
            });
        }
    }

    private static String table(List<TopRequest> top, ZoneId zone) {
        TextTable t = new TextTable("Time", "Developer", "Model", "Source", "Input", "Output", "Cache", "Cost (USD)", "Request");
        for (TopRequest r : top) {
            t.row(TIME.format(r.time().atZone(zone)), r.person(), r.model(), r.source(),
                    Figures.grouped(r.tokens().input()), Figures.grouped(r.tokens().output()),
                    Figures.grouped(r.tokens().cacheRead() + r.tokens().cacheWrite()),
                    r.costNanos() == null ? "unpriced" : Nanos.toDollarsReadable(r.costNanos()),
                    r.requestId() == null ? r.id() : r.requestId());
        }
        return t.render();
    }
}
