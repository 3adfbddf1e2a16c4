import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The embedded store's floor for an import: DuckDB itself copying the records a cold import kept
 * from that import's ledger into an empty one (one statement, no Java per record, no dedupe, no
 * rollups), with the import's DuckDB settings, through the store's close. Writes "SECONDS RECORDS"
 * to WORK_DIR/floor.txt for ImportBenchReport.
 * Usage: ImportFloor WORK_DIR (its data/ is the imported store)
 */
public final class ImportFloor {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path imported = work.resolve("data").resolve("tally.duckdb").toAbsolutePath();
        long records;
        long t;
        try (Store store = Store.open(StoreConfig.embedded(work.resolve("floor-data")));
             Connection c = store.connection(); Statement s = c.createStatement()) {
            s.execute("ATTACH '" + imported.toString().replace("'", "''") + "' AS imported (READ_ONLY)");
            t = System.nanoTime(); // the empty store's opening and migrations are not the floor
            s.execute("INSERT INTO usage_events SELECT * FROM imported.usage_events");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM usage_events")) {
                rs.next();
                records = rs.getLong(1);
            }
            s.execute("DETACH imported");
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        Files.writeString(work.resolve("floor.txt"), seconds + " " + records + "\n");
    }
}
