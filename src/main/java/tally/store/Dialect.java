package tally.store;

import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between the embedded DuckDB store and PostgreSQL. Everything else, the schema and
 * every query, is shared SQL in this package's repositories.
 */
interface Dialect extends AutoCloseable {

    /** "duckdb" or "postgresql": selects dialect-only migration files ({@code V2__x.postgresql.sql}). */
    String name();

    /** A connection the caller closes. */
    Connection connection() throws SQLException;

    /** Creates the per-connection staging table a batch is bulk-loaded into, if missing. */
    void prepareStaging(Connection c) throws SQLException;

    /** Bulk-loads events into a table shaped like the ledger: DuckDB's appender, PostgreSQL's COPY. */
    void load(Connection c, String table, List<UsageEvent> events) throws SQLException;

    /**
     * Bulk-loads records about to be stored into {@code usage_staging}, which {@link #prepareStaging}
     * made: their arrival ({@code stored_ms}) is set as they go into the ledger, never staged.
     */
    default void stage(Connection c, List<UsageEvent> events) throws SQLException {
        load(c, "usage_staging", events);
    }

    /** Bulk-loads activity rows into a fresh, empty per-connection table {@code activity_staging}. */
    void loadActivity(Connection c, List<tally.core.Activity> rows) throws SQLException;

    /** Serializes writers across processes for the current transaction (no-op where there is one writer). */
    void lockWriters(Connection c) throws SQLException;

    /**
     * Whether an import's batches are better written in one transaction (see {@link BulkWrite}):
     * where one process writes anyway and a table's storage favours large appends.
     */
    default boolean bulkInOneTransaction() {
        return false;
    }

    @Override
    void close();
}
