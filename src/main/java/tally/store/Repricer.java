package tally.store;

import tally.core.UsageEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Prices stored records again (after a price correction), one UTC day at a time: records whose
 * model, cost or catalog version change are taken out of the rollups, replaced, and put back.
 */
final class Repricer {
    private final LedgerWriter writer;
    private final LedgerQueries queries;
    private final Store store;

    Repricer(Store store, LedgerWriter writer, LedgerQueries queries) {
        this.store = store;
        this.writer = writer;
        this.queries = queries;
    }

    /** Returns how many records changed. */
    long reprice(Instant from, Instant to, UnaryOperator<UsageEvent> pricer) {
        long changed = 0;
        long start = Math.floorDiv(from.toEpochMilli(), Ledger.DAY_MS) * Ledger.DAY_MS;
        for (long day = start; day < to.toEpochMilli(); day += Ledger.DAY_MS) {
            long lo = Math.max(day, from.toEpochMilli());
            long hi = Math.min(day + Ledger.DAY_MS, to.toEpochMilli()) - 1;
            List<UsageEvent> repriced = new ArrayList<>();
            scanQuietly(Instant.ofEpochMilli(lo), Instant.ofEpochMilli(hi + 1), e -> {
                UsageEvent p = pricer.apply(e);
                if (!Objects.equals(p.costNanos(), e.costNanos()) || !p.model().equals(e.model())
                        || !Objects.equals(p.catalogVersion(), e.catalogVersion())) {
                    repriced.add(p);
                }
            });
            if (!repriced.isEmpty()) changed += replace(repriced, lo, hi);
        }
        return changed;
    }

    private long replace(List<UsageEvent> events, long lo, long hi) {
        return writer.inWriteTransaction(c -> {
            store.dialect().load(c, "usage_staging", events);
            // a repriced record is the same record: it keeps when it arrived (tail does not show it again)
            Jdbc.update(c, "UPDATE usage_staging SET " + StagingColumns.STORED + " = l.arrival FROM (SELECT id, "
                    + StagingColumns.arrival("") + " AS arrival FROM usage_events WHERE ts_ms BETWEEN ? AND ?) l"
                    + " WHERE l.id = usage_staging.id", lo, hi);
            LedgerWriter.remove(c, new Where().and("ts_ms BETWEEN ? AND ?", lo, hi)
                    .and("id IN (SELECT id FROM usage_staging)"), store.localDays());
            return LedgerWriter.insertStaged(c, store.localDays());
        });
    }

    private void scanQuietly(Instant from, Instant to, Consumer<UsageEvent> sink) {
        try {
            queries.scan(from, to, sink::accept);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // a Consumer cannot throw checked exceptions
        }
    }
}
