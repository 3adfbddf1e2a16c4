package tally.app;

import tally.store.PruneResult;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * {@code serve --retention}: prunes raw records past the window right after start and then once a
 * day. On a fleet it should run on one replica: {@code mayRun} is the hook for that (leadership);
 * without it every replica prunes, which is safe — a prune takes the writers' lock and is
 * idempotent, so the second one finds nothing to delete.
 */
public final class RetentionJob implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RetentionJob.class.getName());
    static final Duration EVERY = Duration.ofDays(1);

    private final Pruning pruning;
    private final Duration window;
    private final BooleanSupplier mayRun;
    private Repeating timer;

    public RetentionJob(Pruning pruning, Duration window, BooleanSupplier mayRun) {
        pruning.cutoff(window); // refuses a window under a day before anything starts
        this.pruning = pruning;
        this.window = window;
        this.mayRun = mayRun;
    }

    public RetentionJob start() {
        timer = new Repeating("tally-retention", this::runOnce, Duration.ZERO, EVERY);
        return this;
    }

    /** One pass; a failure (the store down, say) is logged and the next day tries again. */
    void runOnce() {
        if (!mayRun.getAsBoolean()) return;
        try {
            PruneResult r = pruning.prune(new Pruning.Request(window, false));
            LOG.info("retention: pruned " + r.records() + " raw records before " + r.before() + " (rollups kept)");
        } catch (RuntimeException e) {
            LOG.warning("retention: prune failed, retrying in " + EVERY.toHours() + "h: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (timer != null) timer.close();
    }
}
