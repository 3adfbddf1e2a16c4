package tally.store;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded store: one DuckDB file. DuckDB allows one writing process, so a process holds one
 * root connection and hands out duplicates of it to its threads.
 */
final class DuckDbDialect implements Dialect {
    /**
     * A cap on DuckDB's own memory (its buffer pool, outside the Java heap), e.g. {@code 64MB}. The
     * launcher sets it for short CLI commands so an import's resident size stays small; a server
     * keeps DuckDB's default.
     */
    static final String MEMORY_LIMIT = "tally.duckdb.memoryLimit";
    /**
     * DuckDB's worker threads, e.g. {@code 1}. An import's parser threads already use every core;
     * each DuckDB thread adds its own buffers to the resident size.
     */
    static final String THREADS = "tally.duckdb.threads";

    private final DuckDBConnection root;
    private final Path file;
    /** The ledger's column types, read by the first large batch staged (a race reads them twice, alike). */
    private volatile Map<String, String> ledgerTypes;

    DuckDbDialect(Path dataDir) {
        Path file = dataDir.resolve("tally.duckdb");
        try {
            OwnerOnly.directories(dataDir);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        try {
            // The connection itself, not a driver: DriverManager would first load every JDBC driver on the class
            // path, and DuckDB's driver class registers with it (a string concatenation of the JDK's own, whose
            // first linking cost a command ~10 ms) and starts a scheduler, only for query timeouts, which Tally
            // does not set.
            root = DuckDBConnection.newConnection("jdbc:duckdb:" + file.toAbsolutePath(), false, null, new Properties());
        } catch (SQLException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.contains("lock")) {
                throw new StoreException(file + " is in use by another process (stop it, or point this command at "
                        + "the running server): " + firstLine(msg), e);
            }
            throw new StoreException("cannot open " + file + ": " + firstLine(msg), e);
        }
        try (Statement s = root.createStatement()) {
            // Checkpoint every 256 MB of WAL rather than 16 MB: at ingest rates a checkpoint per batch
            // costs more than the batch. The WAL is replayed on open, so nothing is at risk.
            s.execute("SET checkpoint_threshold = '256MB'");
            String limit = System.getProperty(MEMORY_LIMIT);
            if (limit != null && limit.matches("[0-9]+[KMG]?B")) s.execute("SET memory_limit = '" + limit + "'");
            String threads = System.getProperty(THREADS);
            if (threads != null && threads.matches("[1-9][0-9]?")) s.execute("SET threads = " + threads);
        } catch (SQLException e) {
            throw new StoreException("cannot configure " + file + ": " + e.getMessage(), e);
        }
        this.file = file;
        restrictFiles();
    }

    /**
     * Loads the driver's native library (DuckDBNative's initializer does); a failure
     * shows up, as before, when the store is opened.
     */
    static void loadDriver() {
        try {
            Class.forName("org.duckdb.DuckDBNative", true, DuckDbDialect.class.getClassLoader());
        } catch (Throwable ignored) {
            // opening the store reports it
        }
    }

    /**
     * DuckDB creates its files with the process's umask; the records are the owner's alone. The WAL
     * comes and goes with checkpoints: a directory created by Tally (0700) covers its later copies.
     */
    void restrictFiles() {
        try {
            OwnerOnly.restrict(file);
            OwnerOnly.restrict(Path.of(file + ".wal"));
        } catch (IOException e) {
            // not ours to change (another user's file opened by permission): it keeps what its owner gave it
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public Connection connection() throws SQLException {
        return root.duplicate();
    }

    @Override
    public void prepareStaging(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // made afresh, not emptied: a bulk batch before may have left it with ENUM columns (EnumStaging)
            s.execute("CREATE OR REPLACE TEMP TABLE usage_staging AS SELECT * FROM usage_events WITH NO DATA");
            // the delta wide: unlike PostgreSQL, DuckDB folded a 15-minute delta in longs slower (idempotent
            // ingest ~40% slower, measured), and its decimal sums are cheap
            s.execute("CREATE TEMP TABLE IF NOT EXISTS rollup_delta AS SELECT * FROM usage_rollup_hourly WITH NO DATA");
        }
    }

    @Override
    public void load(Connection c, String table, List<UsageEvent> events) throws SQLException {
        load(c, table, events, false);
    }

    @Override
    public void stage(Connection c, List<UsageEvent> events) throws SQLException {
        load(c, "usage_staging", events, true);
    }

    private void load(Connection c, String table, List<UsageEvent> events, boolean arriving) throws SQLException {
        DuckDBConnection duck = c.unwrap(DuckDBConnection.class);
        boolean staging = table.equals("usage_staging");
        EnumStaging.Shape shape = staging ? EnumStaging.create(events, ledgerTypes(c), arriving) : null;
        if (shape != null) {
            try (Statement s = c.createStatement()) {
                s.execute(shape.create()); // its repeating texts as ENUMs, appended without a JNI call each
            }
        }
        try (DuckDBAppender a = staging ? duck.createAppender("temp", "main", table)
                : duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
            boolean[] has = new boolean[StagingColumns.ALL.size()];
            for (int i = 0; i < has.length; i++) has[i] = shape == null || shape.has(StagingColumns.ALL.get(i));
            for (UsageEvent e : events) appendRow(a, e, has);
        }
    }

    // where each column that may be virtual is, by name
    private static final int SOURCE = StagingColumns.ALL.indexOf("source");
    private static final int SOURCE_RANK = StagingColumns.ALL.indexOf("source_rank");
    private static final int PROVIDER = StagingColumns.ALL.indexOf("provider");
    private static final int IDENTITY = StagingColumns.ALL.indexOf("identity");
    private static final int TEAM = StagingColumns.ALL.indexOf("team");
    private static final int PROJECT = StagingColumns.ALL.indexOf("project");
    private static final int SESSION_ID = StagingColumns.ALL.indexOf("session_id");
    private static final int REQUEST_ID = StagingColumns.ALL.indexOf("request_id");
    private static final int MODEL = StagingColumns.ALL.indexOf("model");
    private static final int MODEL_ID = StagingColumns.ALL.indexOf("model_id");
    private static final int CACHE_WRITE_5M_TOKENS = StagingColumns.ALL.indexOf("cache_write_5m_tokens");
    private static final int CACHE_WRITE_1H_TOKENS = StagingColumns.ALL.indexOf("cache_write_1h_tokens");
    private static final int WEB_SEARCHES = StagingColumns.ALL.indexOf("web_searches");
    private static final int IS_BATCH = StagingColumns.ALL.indexOf("is_batch");
    private static final int IS_FAST = StagingColumns.ALL.indexOf("is_fast");
    private static final int COST_NANOS = StagingColumns.ALL.indexOf("cost_nanos");
    private static final int CATALOG_VERSION = StagingColumns.ALL.indexOf("catalog_version");
    private static final int LATENCY_MS = StagingColumns.ALL.indexOf("latency_ms");
    private static final int STATUS = StagingColumns.ALL.indexOf("status");
    private static final int REGION = StagingColumns.ALL.indexOf("region");
    private static final int INFERENCE_GEO = StagingColumns.ALL.indexOf("inference_geo");
    private static final int STORED_MS = StagingColumns.ALL.indexOf("stored_ms");

    /** One record's row, in the ledger's column order, but for the columns the table has as virtual ({@code has} false). */
    private static void appendRow(DuckDBAppender a, UsageEvent e, boolean[] has) throws SQLException {
        TokenCounts t = e.tokens();
        a.beginRow();
        a.append(e.id());
        a.append(e.time().toEpochMilli());
        if (has[SOURCE]) a.append(e.source().label());
        if (has[SOURCE_RANK]) a.append(e.source().rank());
        if (has[PROVIDER]) a.append(e.provider());
        if (has[IDENTITY]) a.append(e.identity());
        if (has[TEAM]) a.append(e.team());
        if (has[PROJECT]) a.append(e.project());
        if (has[SESSION_ID]) a.append(e.sessionId());
        if (has[REQUEST_ID]) a.append(e.requestId());
        if (has[MODEL]) a.append(e.model());
        if (has[MODEL_ID]) a.append(e.modelId());
        a.append(t.input());
        if (has[CACHE_WRITE_5M_TOKENS]) a.append(t.cacheWrite5m());
        if (has[CACHE_WRITE_1H_TOKENS]) a.append(t.cacheWrite1h());
        a.append(t.cacheRead());
        a.append(t.output());
        if (has[WEB_SEARCHES]) a.append(e.webSearches());
        if (has[IS_BATCH]) a.append(e.batch());
        if (has[IS_FAST]) a.append(e.fast());
        if (has[COST_NANOS]) a.append(e.costNanos());
        if (has[CATALOG_VERSION]) a.append(e.catalogVersion());
        if (has[LATENCY_MS]) a.append(e.latencyMs());
        if (has[STATUS]) a.append(e.status());
        if (has[REGION]) a.append(e.region());
        if (has[INFERENCE_GEO]) a.append(e.inferenceGeo());
        if (has[STORED_MS]) a.appendNull(); // stored_ms: the store's, set as the record is stored
        a.endRow();
    }

    /** The ledger's column types by name, read once: a staging table with virtual columns is declared column by column. */
    private Map<String, String> ledgerTypes(Connection c) throws SQLException {
        Map<String, String> types = ledgerTypes;
        if (types == null) {
            Map<String, String> read = new HashMap<>();
            try (Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT name, type FROM pragma_table_info('usage_events')")) {
                while (rs.next()) read.put(rs.getString(1), rs.getString(2));
            }
            ledgerTypes = types = Map.copyOf(read);
        }
        return types;
    }

    @Override
    public void loadActivity(Connection c, List<tally.core.Activity> rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS activity_staging AS SELECT * FROM activity WITH NO DATA");
            s.execute("DELETE FROM activity_staging");
        }
        try (DuckDBAppender a = c.unwrap(DuckDBConnection.class).createAppender("temp", "main", "activity_staging")) {
            for (tally.core.Activity r : rows) {
                a.beginRow();
                a.append(r.id());
                a.append(r.time().toEpochMilli());
                a.append(r.identity());
                a.append(r.team());
                a.append(r.sessionId());
                a.append(r.kind().label());
                a.append(r.value());
                a.endRow();
            }
        }
    }

    /**
     * DuckDB writes a transaction's appends straight into the table in whole row groups (122,880
     * rows), and a checkpoint merges a run of partly filled ones by compressing them again: batches
     * committed one by one leave a partial group each, and the import's checkpoint redid most of its
     * work (1.5 s of CPU and twice the file size at 1M records, measured). One transaction leaves one.
     */
    @Override
    public boolean bulkInOneTransaction() {
        return true;
    }

    @Override
    public void lockWriters(Connection c) {
        // DuckDB itself admits one writing process; within it, Ledger serializes writes.
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException ignored) {
            // closing is best effort; the file is consistent after every commit
        }
    }
}
