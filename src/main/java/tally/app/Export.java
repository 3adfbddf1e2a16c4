package tally.app;

import tally.core.UsageEvent;
import tally.store.Ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored records of [from, to) in time order, a page at a time: a page ends on a millisecond
 * boundary (records of one millisecond never straddle pages), and {@code next} is where the next
 * page starts, null after the last. The CLI writes the pages as CSV or JSON Lines.
 */
public final class Export {
    public static final int MAX_PAGE = 50_000;

    public record Request(Instant from, Instant to, int limit) {}

    public record Page(List<UsageEvent> records, Instant next) {}

    /** Stops the scan once a page is full and its last millisecond is complete. */
    private static final class Full extends RuntimeException {
        Full() {
            super(null, null, false, false);
        }
    }

    private final Ledger ledger;

    Export(Ledger ledger) {
        this.ledger = ledger;
    }

    public Page page(Request r) {
        if (r.limit() < 1 || r.limit() > MAX_PAGE) throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE);
        if (r.from() == null || r.to() == null) throw new IllegalArgumentException("from and to are required");
        List<UsageEvent> out = new ArrayList<>();
        long[] lastMs = {Long.MIN_VALUE};
        try {
            ledger.scan(r.from(), r.to(), e -> {
                long ms = e.time().toEpochMilli();
                if (out.size() >= r.limit() && ms != lastMs[0]) throw new Full();
                out.add(e);
                lastMs[0] = ms;
            });
        } catch (Full full) {
            return new Page(out, Instant.ofEpochMilli(lastMs[0] + 1));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the ledger: " + e.getMessage(), e);
        }
        return new Page(out, null);
    }
}
