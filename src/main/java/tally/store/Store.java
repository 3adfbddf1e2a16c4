package tally.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An open, migrated store. Hands out connections; {@link Ledger} and {@code People} hold the SQL.
 */
public final class Store implements AutoCloseable {
    private final StoreConfig config;
    private final Dialect dialect;

    private Store(StoreConfig config, Dialect dialect) {
        this.config = config;
        this.dialect = dialect;
    }

    /** Opens and migrates the store, or throws a {@link StoreException} that says which store and why. */
    public static Store open(StoreConfig config) {
        Dialect dialect = config.isPostgres() ? new PostgresDialect(config) : new DuckDbDialect(config.dataDir());
        try {
            Migrations.apply(dialect);
        } catch (RuntimeException e) {
            dialect.close();
            throw e;
        }
        return new Store(config, dialect);
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

    Dialect dialect() {
        return dialect;
    }

    StoreException unavailable(SQLException e) {
        return new StoreException(config.describe() + ": " + PostgresDialect.rootMessage(e), e);
    }

    @Override
    public void close() {
        dialect.close();
    }
}
