package tally.store;

import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An import's batches, written as one (see {@link Ledger#bulk}). Where the store favours it
 * ({@link Dialect#bulkInOneTransaction}) the batches share one open transaction: nothing is visible
 * or kept until {@link #commit}, and a failed batch takes the uncommitted ones with it (the caller
 * gives up and reads its input again). Elsewhere each batch commits at once, and commit does nothing.
 * One thread uses it.
 */
public final class BulkWrite implements AutoCloseable {
    private final Store store;
    private final LedgerWriter writer;
    private final boolean oneTransaction;
    private Connection open; // the transaction in progress, or null

    BulkWrite(Store store, LedgerWriter writer) {
        this.store = store;
        this.writer = writer;
        this.oneTransaction = store.dialect().bulkInOneTransaction();
    }

    /** Like {@link Ledger#write(List, UnaryOperator)}, in the open transaction. */
    public WriteResult write(List<UsageEvent> batch, UnaryOperator<UsageEvent> pricer) {
        if (!oneTransaction) return writer.write(batch, pricer);
        return writer.write(batch, pricer, work -> {
            try {
                if (open == null) {
                    open = store.connection();
                    open.setAutoCommit(false);
                }
                return writer.inOpenTransaction(open, work);
            } catch (SQLException e) {
                rollback();
                throw store.unavailable(e);
            } catch (RuntimeException e) {
                rollback(); // a statement that failed ends the transaction on DuckDB
                throw e;
            }
        });
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
        } catch (SQLException e) {
            rollback();
            throw store.unavailable(e);
        } finally {
            closeQuietly();
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
        try {
            open.close();
        } catch (SQLException ignored) {
            // closing is best effort
        }
        open = null;
    }
}
