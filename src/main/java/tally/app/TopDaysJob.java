package tally.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * {@code serve} on the embedded store: keeps the costliest records of the last {@link #DAYS} ended
 * days that the dashboard's top pages read (Ledger#keepTopDays), shortly after start and then every
 * {@link #EVERY}. A page would otherwise fill the days it finds missing itself, a tenth of a second
 * of each first page after an import or a midnight; here it costs the writers a day's fill at a
 * time (tens of milliseconds), behind the spool, which is what the gateway's answers wait for.
 */
public final class TopDaysJob implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TopDaysJob.class.getName());
    static final Duration FIRST = Duration.ofSeconds(30);
    static final Duration EVERY = Duration.ofMinutes(10);
    /** A dashboard's longest usual range, a month, and a few days more for its edges. */
    static final int DAYS = 35;

    private final BiConsumer<Instant, Instant> keep;
    private final Clock clock;
    private Repeating timer;

    /** {@code keep}: Ledger#keepTopDays, over [from, to). */
    public TopDaysJob(BiConsumer<Instant, Instant> keep, Clock clock) {
        this.keep = keep;
        this.clock = clock;
    }

    public TopDaysJob start() {
        timer = new Repeating("tally-top-days", this::runOnce, FIRST, EVERY);
        return this;
    }

    /** One pass; a failure (the store busy or down) is logged and the next pass tries again. */
    void runOnce() {
        Instant now = clock.instant();
        try {
            keep.accept(now.minus(Duration.ofDays(DAYS)), now);
        } catch (RuntimeException e) {
            LOG.warning("top days: cannot keep them now, retrying in " + EVERY.toMinutes() + " min: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (timer != null) timer.close();
    }
}
