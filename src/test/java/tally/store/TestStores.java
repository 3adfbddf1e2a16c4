package tally.store;

import org.junit.jupiter.api.Named;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Both stores for tests: a fresh DuckDB file, and a fresh schema in the test PostgreSQL server
 * ({@code TALLY_TEST_DB}, default the one {@code .ci/postgres} starts). No PostgreSQL is a failure,
 * not a skip: every store test runs on both.
 */
public final class TestStores {
    public static final String DEFAULT_URL = "postgresql://tally:tally@127.0.0.1:5432/tally_test";
    private static final List<String> SCHEMAS = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestStores::dropSchemas));
    }

    private TestStores() {}

    public enum Kind { DUCKDB, POSTGRESQL }

    /** For {@code @MethodSource}: each store kind, named for the test report. */
    public static Stream<Named<Kind>> kinds() {
        return Stream.of(Named.of("duckdb", Kind.DUCKDB), Named.of("postgresql", Kind.POSTGRESQL));
    }

    public static StoreConfig config(Kind kind, Path dir) {
        return kind == Kind.DUCKDB ? StoreConfig.embedded(dir) : StoreConfig.postgres(dir, freshSchemaUrl());
    }

    public static String baseUrl() {
        String env = System.getenv("TALLY_TEST_DB");
        return env == null || env.isBlank() ? DEFAULT_URL : env;
    }

    /** A URL whose connections land in a new, empty schema. */
    public static String freshSchemaUrl() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        exec("CREATE SCHEMA " + schema);
        synchronized (SCHEMAS) {
            SCHEMAS.add(schema);
        }
        String base = baseUrl();
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static void exec(String sql) {
        StoreConfig.Jdbc jdbc = StoreConfig.postgres(Path.of("."), baseUrl()).jdbc();
        Properties p = jdbc.properties();
        try (Connection c = DriverManager.getConnection(jdbc.url(), p); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("the test PostgreSQL at " + baseUrl() + " is not reachable (run ./test, "
                    + "which starts one, or set TALLY_TEST_DB): " + e.getMessage(), e);
        }
    }

    private static void dropSchemas() {
        synchronized (SCHEMAS) {
            for (String s : SCHEMAS) {
                try {
                    exec("DROP SCHEMA IF EXISTS " + s + " CASCADE");
                } catch (RuntimeException ignored) {
                    // the server may be gone already
                }
            }
        }
    }
}
