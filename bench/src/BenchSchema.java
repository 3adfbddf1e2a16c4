import tally.store.StoreConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Creates (or with "drop", drops) a schema in the bench PostgreSQL. */
public final class BenchSchema {
    public static void main(String[] args) throws Exception {
        StoreConfig.Jdbc jdbc = StoreConfig.postgres(Path.of("."), args[0]).jdbc();
        try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.properties()); Statement s = c.createStatement()) {
            s.execute(args.length > 2 ? "DROP SCHEMA IF EXISTS " + args[1] + " CASCADE" : "CREATE SCHEMA " + args[1]);
        }
    }
}
