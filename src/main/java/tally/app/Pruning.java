package tally.app;

import tally.store.Ledger;
import tally.store.PruneResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Data retention: drops raw records older than a window, keeping the rollups every report reads.
 * The cut falls on a UTC midnight, so a day is either wholly raw or wholly pruned.
 */
public final class Pruning {
    /** The shortest window: today and yesterday always keep their raw records. */
    public static final Duration MIN_WINDOW = Duration.ofDays(1);

    public record Request(Duration olderThan, boolean dryRun) {}

    private final Ledger ledger;
    private final Clock clock;

    Pruning(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    public PruneResult prune(Request r) {
        if (r.olderThan() == null) throw new IllegalArgumentException("olderThan: a retention window is required, e.g. 90d");
        return ledger.prune(cutoff(r.olderThan()), r.dryRun());
    }

    /** The UTC midnight at or before now minus the window; refuses windows under a day. */
    public Instant cutoff(Duration olderThan) {
        if (olderThan.compareTo(MIN_WINDOW) < 0) {
            throw new IllegalArgumentException("the retention window must be at least 1d; got " + olderThan.toHours() + "h");
        }
        return clock.instant().minus(olderThan).truncatedTo(ChronoUnit.DAYS);
    }
}
