package tally.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Totals;
import tally.core.Figures;
import tally.core.Nanos;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.store.UsageRow;

@Command(name = "totals", description = "Requests, tokens and cost over a range, in one line.")
final class TotalsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin RangeOptions when;

    @Mixin FormatOption format;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        ReportFormat fmt = format.parse();
        ReportRange range = when.range(g.zone(), java.time.Clock.systemUTC());
        try (Backend b = Backend.openForReading(g)) {
            UsageRow t = b.call(Ops.TOTALS, new Totals.Request(range));
            spec.commandLine().getOut().print(switch (fmt) {
                case JSON -> json(t, range);
                case CSV -> csv(t, range);
                case TABLE -> range.from() + " to " + range.to() + ": " + Figures.grouped(t.requests()) + " requests, "
                        + Figures.grouped(t.tokens().total()) + " tokens, " + Nanos.toDollars(t.costNanos())
                        + (t.unpriced() > 0 ? " (+" + t.unpriced() + " unpriced requests)" : "") + "\n";
            });
        }
    }

    private static String json(UsageRow t, ReportRange range) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("requests", t.requests());
        o.put("total_tokens", t.tokens().total());
        o.put("cost_usd", Nanos.toDecimal(t.costNanos()));
        o.put("unpriced_requests", t.unpriced());
        o.put("from", range.from().toString());
        o.put("to", range.to().toString());
        o.put("cost_nanos", t.costNanos()); // the exact cost, as /api/totals and every other JSON name it; added last
        return CostReportWriter.toJson(o);
    }

    /** The JSON's one object as a header and one row: a line a spreadsheet can append day after day. */
    private static String csv(UsageRow t, ReportRange range) {
        return "requests,total_tokens,cost_usd,unpriced_requests,from,to,cost_nanos\n" + t.requests() + ',' + t.tokens().total()
                + ',' + Nanos.toDecimal(t.costNanos()) + ',' + t.unpriced() + ',' + range.from() + ',' + range.to() + ','
                + t.costNanos() + '\n';
    }
}
