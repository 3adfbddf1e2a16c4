package tally.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** PostgreSQL, for several gateway instances sharing one ledger. A pooled data source; COPY for bulk loads. */
final class PostgresDialect implements Dialect {
    /** Any constant: the advisory lock that makes concurrent writers take turns per batch. */
    private static final long WRITER_LOCK = 0x7a11_7a11L;

    private final HikariDataSource pool;

    PostgresDialect(StoreConfig config) {
        StoreConfig.Jdbc jdbc = config.jdbc();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbc.url());
        hc.setDataSourceProperties(jdbc.properties());
        hc.setPoolName("tally");
        hc.setMaximumPoolSize(8);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(5_000);
        hc.addDataSourceProperty("connectTimeout", "5");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Custom plans always: a range query's generic plan (chosen after five executions of a prepared
        // statement) guesses a range's rows, and for one person's top requests it walked the whole month's
        // time index instead of the cost index: 0.8 s instead of 10 ms at 1M records. JIT off: compiling
        // costs more than the rollup scans it would speed up. (Options in the URL win over these.)
        hc.addDataSourceProperty("options", "-c plan_cache_mode=force_custom_plan -c jit=off");
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("cannot reach " + config.describe() + ": " + rootMessage(e), e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void prepareStaging(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS usage_staging (LIKE usage_events)");
            s.execute("TRUNCATE usage_staging");
            // the 15-minute delta in longs (as its rollup: one cell beyond a long fails there anyway), so
            // the coarser sums of it add integers, not decimals; those sums are wide (numeric), as their rollups
            s.execute("CREATE TEMP TABLE IF NOT EXISTS rollup_delta (LIKE usage_rollup)");
        }
    }

    @Override
    public void load(Connection c, String table, List<UsageEvent> events) throws SQLException {
        PgBinaryCopy.rows(c, table, StagingColumns.LIST, events, PostgresDialect::row);
        if (table.equals("usage_staging")) {
            // a temp table has no statistics: without them the dedupe probes plan as if it were
            // tiny or huge, and pick a scan of the ledger over its indexes. A small sample of the
            // probed columns is enough for the row count and distinctness the plans need.
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL default_statistics_target = 10");
                s.execute("ANALYZE usage_staging (id, ts_ms, source, source_rank, session_id, request_id)");
                s.execute("RESET default_statistics_target");
            }
        }
    }

    /** One record in {@link StagingColumns#LIST} order, with the ledger's column types. */
    private static void row(PgBinaryCopy copy, UsageEvent e) throws SQLException {
        TokenCounts t = e.tokens();
        copy.text(e.id()).int8(e.time().toEpochMilli())
                .text(e.source().label()).int4(e.source().rank())
                .text(e.provider()).text(e.identity()).text(e.team()).text(e.project())
                .text(e.sessionId()).text(e.requestId()).text(e.model()).text(e.modelId())
                .int8(t.input()).int8(t.cacheWrite5m()).int8(t.cacheWrite1h()).int8(t.cacheRead()).int8(t.output())
                .int8(e.webSearches()).bool(e.batch()).bool(e.fast()).int8(e.costNanos())
                .text(e.catalogVersion()).int8(e.latencyMs()).int4(e.status()).text(e.region())
                .text(e.inferenceGeo());
    }

    @Override
    public void loadActivity(Connection c, List<tally.core.Activity> rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS activity_staging (LIKE activity)");
            s.execute("TRUNCATE activity_staging");
        }
        PgBinaryCopy.rows(c, "activity_staging", "id, ts_ms, identity, team, session_id, kind, value", rows,
                (copy, r) -> copy.text(r.id()).int8(r.time().toEpochMilli()).text(r.identity()).text(r.team())
                        .text(r.sessionId()).text(r.kind().label()).float8(r.value()));
    }

    @Override
    public void lockWriters(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + WRITER_LOCK + ")");
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
