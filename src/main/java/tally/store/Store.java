package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;

/**
 * An open, migrated store. Hands out connections; the repositories of this package hold the SQL.
 */
public final class Store implements AutoCloseable {
    private final StoreConfig config;
    private final Dialect dialect;
    /** The zone whose local days the writers keep summed ({@link LocalDays}); set when opened and by a server. */
    private volatile LocalDays localDays = LocalDays.NONE;
    /** Whether the embedded store's aliases table holds a row; null until first asked ({@link #mayHaveAliases}). */
    private final java.util.concurrent.atomic.AtomicReference<Boolean> aliases = new java.util.concurrent.atomic.AtomicReference<>();
    /** This process's writers of the store take turns on it ({@link LedgerWriter}), whichever ledger they write through. */
    private final Object writeTurn = new Object();
    /** Bulk writes whose transaction is open ({@link BulkWrite}); under writeTurn. */
    private int bulksOpen;

    private Store(StoreConfig config, Dialect dialect) {
        this.config = config;
        this.dialect = dialect;
    }

    /** Opens and migrates the store, or throws a {@link StoreException} that says which store and why. */
    public static Store open(StoreConfig config) {
        Dialect dialect = config.isPostgres() ? new PostgresDialect(config) : new DuckDbDialect(config.dataDir());
        try {
            Migrations.apply(dialect);
            if (dialect instanceof DuckDbDialect duck) duck.restrictFiles(); // the migrations made the WAL
        } catch (RuntimeException e) {
            dialect.close();
            throw e;
        }
        Store store = new Store(config, dialect);
        try {
            store.localDays = LocalDays.read(store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * The local days the writers keep summed, and the series may read: on PostgreSQL as of this
     * process's last write, or its opening, which a reader checks in its own snapshot.
     */
    LocalDays localDays() {
        return localDays;
    }

    /**
     * Reads which local days are kept, in a write transaction under the writers' lock, on PostgreSQL:
     * another replica may have kept them anew or dropped them since, and its writes fold into them.
     */
    void refreshLocalDays(Connection c) throws SQLException {
        if (config.isPostgres()) localDays = LocalDays.read(c);
    }

    /**
     * Keeps the store's sums by local day and person in {@code zone} (the server's), filling them
     * again when they were kept for another zone. On PostgreSQL the replicas share them: each write
     * reads which zone is kept ({@link #refreshLocalDays}), the series check it as they read, and
     * they are filled again at every server's start ({@link LocalDays#keep}).
     */
    void keepLocalDays(ZoneId zone, LedgerWriter writer) {
        LocalDays before = localDays;
        try { // set under the writers' lock: a write waiting for it folds into the days kept from now on
            writer.inWriteTransaction(c -> localDays = LocalDays.keep(c, zone, config.isPostgres()));
        } catch (RuntimeException e) {
            localDays = before;
            throw e;
        }
    }

    /** The turn this process's writers take, one at a time. */
    Object writeTurn() {
        return writeTurn;
    }

    /**
     * Runs a bulk write's first statement on {@code c} as its transaction opens, in the writers' turn,
     * and counts the transaction open until {@link #bulkClosed}: see {@link #inTransactionBetweenBulks}.
     */
    <T> T bulkOpened(Connection c, Work<T> first) throws SQLException {
        synchronized (writeTurn) {
            bulksOpen++;
            return first.run(c);
        }
    }

    /** A bulk write's transaction ended (committed or rolled back). */
    void bulkClosed() {
        synchronized (writeTurn) {
            bulksOpen--;
        }
    }

    /**
     * Work in a write transaction of its own, in the writers' turn, unless a bulk write's transaction is
     * open: then nothing is done and the answer is null. For work that must see every write that could
     * land before it commits, which an open bulk transaction's are not ({@link TopDays#fill}).
     */
    <T> T inTransactionBetweenBulks(Work<T> work) {
        synchronized (writeTurn) {
            return bulksOpen > 0 ? null : inTransaction(work);
        }
    }

    /**
     * Loads the embedded store's JDBC driver on this thread, for a process about to open one: the driver
     * registers a JFR event when its class initialises, tens of milliseconds a short command can spend on
     * another core while it parses its arguments. Opening waits for it if needed.
     */
    public static void loadEmbeddedDriver() {
        DuckDbDialect.loadDriver();
    }

    /** Whether the embedded store's file exists in this directory (opening it would create none). */
    public static boolean embeddedExists(java.nio.file.Path dataDir) {
        return java.nio.file.Files.isRegularFile(dataDir.resolve("tally.duckdb"));
    }

    public StoreConfig config() {
        return config;
    }

    public boolean isPostgres() {
        return config.isPostgres();
    }

    public Connection connection() {
        try {
            return dialect.connection();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Work on one connection inside a transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws. A
     * failure of the store itself comes out as a {@link StoreException} naming the store.
     */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the transaction is gone with it
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * Whether any identity may be mapped to a person, so a question by person must join the aliases.
     * Always on PostgreSQL, where other replicas save aliases. The embedded store is this process's
     * alone (DuckDB locks its file), so there it is looked up once and turned on when an alias is saved
     * ({@link #aliasSaved}): a store without aliases (most of a single developer's) is then asked by
     * person without the four alias joins, about 10 ms of a reading command's first query.
     */
    boolean mayHaveAliases() {
        if (config.isPostgres()) return true;
        if (aliases.get() == null) {
            boolean any;
            try (Connection c = connection()) {
                any = Identities.anyAlias(c);
            } catch (SQLException e) {
                throw unavailable(e);
            }
            aliases.compareAndSet(null, any); // an alias saved meanwhile has set it already
        }
        return aliases.get();
    }

    /** An alias was saved: from now on, questions by person join the aliases. */
    void aliasSaved() {
        aliases.set(Boolean.TRUE);
    }

    /** One trivial round trip, for readiness probes; a {@link StoreException} when the store does not answer. */
    public void ping() {
        try {
            selectOne();
        } catch (SQLException | StoreException first) {
            // A pooled connection from before an outage fails once and is evicted; ask a fresh one.
            try {
                selectOne();
            } catch (SQLException e) {
                throw unavailable(e);
            }
        }
    }

    private void selectOne() throws SQLException {
        try (Connection c = connection(); java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    Dialect dialect() {
        return dialect;
    }

    StoreException unavailable(SQLException e) {
        String overflow = Overflow.explain(e);
        if (overflow != null) return new StoreException(overflow, e);
        return new StoreException(config.describe() + ": " + PostgresDialect.rootMessage(e), e);
    }

    @Override
    public void close() {
        dialect.close();
    }
}
