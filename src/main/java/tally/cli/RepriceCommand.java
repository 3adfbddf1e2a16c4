package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tally.report.ReportRange;

@Command(name = "reprice", description = "Price stored records again with the current catalog (after a price correction or --prices).")
final class RepriceCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin RangeOptions when;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        try (Session s = Session.openForReading(g)) {
            ReportRange range = when.range(s.zone(), s.clock);
            long changed = s.ledger.reprice(range.start(), range.end(), s.catalog()::price);
            spec.commandLine().getOut().printf("repriced %s to %s with catalog %s: %,d record%s changed%n",
                    range.from(), range.to(), s.catalog().version(), changed, changed == 1 ? "" : "s");
        }
    }
}
