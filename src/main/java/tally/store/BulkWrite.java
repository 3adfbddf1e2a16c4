package tally.store;

import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An import's batches, written as one (see {@link Ledger#bulk}). Where the store favours it
 * ({@link Dialect#bulkInOneTransaction}) the batches share one open transaction, committed by
 * {@link #commit} and every {@link #COMMIT_EVERY} records (until then DuckDB keeps every batch's
 * staged rows, in temporary files past its memory cap, about 280 bytes a record: a long import would
 * take that much disk). A failed batch takes the uncommitted ones with it; the caller gives up and
 * reads its input again, whose records kept before are not stored twice. Elsewhere each batch commits
 * at once, and commit does nothing. One thread uses it.
 *
 * <p>In one transaction it also keeps the keys it stores ({@link KnownKeys}): its records that share
 * none with the ledger skip the probes by key. That holds while the ledger changes only through it;
 * when a transaction opens on a ledger holding other than what it expects, it stops relying on them.
 */
public final class BulkWrite implements AutoCloseable {
    /**
     * Records per transaction at most: up to about 550 MB of temporary files. Each commit leaves one
     * partly filled row group for the next checkpoint to merge (half a million cost an import of 1M
     * records ~6% more time, measured), so the step is large.
     */
    static final int COMMIT_EVERY = 2_000_000;

    private final Store store;
    private final LedgerWriter writer;
    private final boolean oneTransaction;
    private final long commitEvery;
    private Connection open; // the transaction in progress, or null
    private long uncommitted; // records written in it
    private KnownKeys known; // null until the first transaction opens, and once the ledger changed behind this write
    private boolean othersWrote;
    private long expected; // the ledger's records as of the last commit, by this write's reckoning
    private long pending; // records added less those taken out in the open transaction

    BulkWrite(Store store, LedgerWriter writer, long commitEvery) {
        this.store = store;
        this.writer = writer;
        this.oneTransaction = store.dialect().bulkInOneTransaction();
        this.commitEvery = commitEvery;
    }

    /** Like {@link Ledger#write(List, UnaryOperator)}, in the open transaction. */
    public WriteResult write(List<UsageEvent> batch, UnaryOperator<UsageEvent> pricer) {
        if (!oneTransaction) return writer.write(batch, pricer);
        begin();
        WriteResult r = writer.write(batch, pricer, work -> {
            try {
                return writer.inOpenTransaction(open, work);
            } catch (SQLException e) {
                rollback();
                throw store.unavailable(e);
            } catch (RuntimeException e) {
                rollback(); // a statement that failed ends the transaction on DuckDB
                throw e;
            }
        }, known);
        pending += r.added() - r.superseded();
        uncommitted += batch.size();
        if (uncommitted >= commitEvery) commit();
        return r;
    }

    /** Opens a transaction unless one is open. */
    private void begin() {
        if (open != null) return;
        try {
            open = store.connection();
            store.bulkOpened(open, c -> { // as TopDays marks no day kept that this transaction writes unseen
                c.setAutoCommit(false);
                lookAtLedger(c);
                return null;
            });
        } catch (SQLException e) {
            rollback();
            throw store.unavailable(e);
        }
    }

    /**
     * At a transaction's start: the first time, what the ledger holds; later, whether it holds just what
     * this write expects (nothing else has written since), else the keys known are no guide any more.
     */
    private void lookAtLedger(Connection c) throws SQLException {
        if (othersWrote) return;
        if (known == null) {
            known = KnownKeys.of(c);
            expected = known.storedAtStart();
        } else if (KnownKeys.count(c) != expected) {
            known = null;
            othersWrote = true;
        }
    }

    /** Whether records skip the probes by key when they can ({@link KnownKeys}); for tests. */
    boolean knowsKeys() {
        return known != null;
    }

    /** Whether a failed batch may be tried again: true where each batch commits on its own. */
    public boolean retriable() {
        return !oneTransaction;
    }

    /** Keeps every batch written since the last commit. */
    public void commit() {
        if (open == null) return;
        try {
            open.commit();
            expected += pending;
        } catch (SQLException e) {
            rollback();
            throw store.unavailable(e);
        } finally {
            if (open != null) closeQuietly(); // a failed commit's rollback closed it already
        }
    }

    /** Drops every batch written since the last commit. */
    public void rollback() {
        if (open == null) return;
        try {
            open.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the transaction is gone with it
        } finally {
            closeQuietly();
        }
    }

    /** Rolls back what was not committed. */
    @Override
    public void close() {
        rollback();
    }

    private void closeQuietly() {
        store.bulkClosed();
        uncommitted = 0;
        pending = 0;
        try {
            open.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
        open = null;
    }
}
