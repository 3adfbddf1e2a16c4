package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Pruning;
import tally.store.PruneResult;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

@Command(name = "prune", description = "Delete raw records older than a window; reports keep working from the daily rollups.")
final class PruneCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--older-than", required = true, paramLabel = "DURATION",
            description = "Records older than this go, cut at a UTC midnight (e.g. 90d; from 1d to 3660d).")
    String olderThan;

    @Option(names = "--dry-run", description = "Count what would go; delete nothing.")
    boolean dryRun;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        Duration window = Pruning.window("--older-than", olderThan);
        PruneResult r;
        try (Backend b = Backend.open(g)) {
            r = b.call(Ops.PRUNE, new Pruning.Request(window, dryRun));
        }
        LocalDate before = r.before().atOffset(ZoneOffset.UTC).toLocalDate();
        spec.commandLine().getOut().printf("%s %,d raw record%s before %s (UTC); the rollups every report reads are kept%n",
                r.dryRun() ? "would prune" : "pruned", r.records(), r.records() == 1 ? "" : "s", before);
    }
}
