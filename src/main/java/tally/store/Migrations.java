package tally.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations from {@code db/migration/V<n>__<name>[.<dialect>].sql}, listed in
 * {@code db/migrations.txt} (a jar cannot be listed). A file with a dialect suffix runs only on that
 * store; its version is recorded on both so numbering stays one sequence.
 */
final class Migrations {
    private Migrations() {}

    static void apply(Dialect dialect) {
        try (Connection c = dialect.connection()) {
            // Under the writers' lock: two processes creating the table at once on a new PostgreSQL
            // schema would otherwise collide in its catalog ("duplicate key … pg_type").
            c.setAutoCommit(false);
            dialect.lockWriters(c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
                        + "name VARCHAR NOT NULL, applied_ms BIGINT NOT NULL)");
            }
            c.commit();
            c.setAutoCommit(true);
            // By set, not by maximum: parts of the program number their migrations in separate ranges
            // (V10 gateway, V20 imports…), so a lower version can arrive after a higher one is applied.
            java.util.Set<Integer> applied = appliedVersions(c);
            for (String file : list()) {
                int version = version(file);
                if (applied.contains(version)) continue;
                String[] parts = file.substring(0, file.length() - ".sql".length()).split("\\.");
                boolean applies = parts.length == 1 || parts[1].equals(dialect.name());
                c.setAutoCommit(false);
                try {
                    dialect.lockWriters(c);
                    if (appliedVersions(c).contains(version)) { // another process got here first
                        c.commit();
                        c.setAutoCommit(true);
                        continue;
                    }
                    if (applies) {
                        for (String sql : statements(read("db/migration/" + file))) {
                            try (Statement s = c.createStatement()) {
                                s.execute(sql);
                            }
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)")) {
                        ps.setInt(1, version);
                        ps.setString(2, file);
                        ps.setLong(3, System.currentTimeMillis());
                        ps.executeUpdate();
                    }
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw new StoreException("migration " + file + " failed: " + e.getMessage(), e);
                } finally {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot migrate the schema: " + e.getMessage(), e);
        }
    }

    private static java.util.Set<Integer> appliedVersions(Connection c) throws SQLException {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations")) {
            while (rs.next()) out.add(rs.getInt(1));
        }
        return out;
    }

    private static int version(String file) {
        return Integer.parseInt(file.substring(1, file.indexOf("__")));
    }

    private static List<String> list() {
        List<String> files = new ArrayList<>();
        for (String line : read("db/migrations.txt").split("\n")) {
            if (!line.isBlank()) files.add(line.trim());
        }
        files.sort(java.util.Comparator.comparingInt(Migrations::version));
        return files;
    }

    /** Splits on semicolons at line ends; comments are dropped. Migrations keep to that shape. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) continue;
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) out.add(current.toString().strip());
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new StoreException("missing resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read " + resource, e);
        }
    }
}
