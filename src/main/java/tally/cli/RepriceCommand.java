package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Reprice;
import tally.report.ReportRange;

@Command(name = "reprice", description = "Price stored records again with the current catalog (after a price correction or --prices).")
final class RepriceCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin RangeOptions when;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        ReportRange range = when.range(g.zone(), java.time.Clock.systemUTC());
        try (Backend b = Backend.openPricing(g, true)) {
            Reprice.Repriced r = b.call(Ops.REPRICE, new Reprice.Request(range));
            long changed = r.changed();
            spec.commandLine().getOut().printf("repriced %s to %s with catalog %s: %,d record%s changed%n",
                    r.from(), r.to(), r.catalogVersion(), changed, changed == 1 ? "" : "s");
        }
    }
}
