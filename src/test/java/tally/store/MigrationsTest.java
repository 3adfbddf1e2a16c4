package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {
    @Test
    void severalProcessesMigratingOneNewPostgresSchemaAtOnceAllSucceed(@TempDir Path dir) throws Exception {
        String url = TestStores.freshSchemaUrl();
        int openers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        try {
            List<Future<Boolean>> opened = new ArrayList<>();
            for (int i = 0; i < openers; i++) {
                Path own = dir.resolve("replica-" + i);
                opened.add(pool.submit(() -> {
                    start.await();
                    try (Store store = Store.open(StoreConfig.postgres(own, url))) {
                        return store.isPostgres();
                    }
                }));
            }
            start.countDown();
            for (Future<Boolean> f : opened) assertThat(f.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyTextColumnOnPostgresComparesInByteOrderWhateverTheDatabasesCollation(@TempDir Path dir) throws Exception {
        try (Store store = Store.open(StoreConfig.postgres(dir, TestStores.freshSchemaUrl()));
             java.sql.Connection c = store.connection()) {
            List<String> others = Jdbc.query(c, "SELECT table_name || '.' || column_name || ' ' || COALESCE(collation_name, '(database default)')"
                    + " FROM information_schema.columns WHERE table_schema = current_schema() AND data_type IN ('character varying', 'text')"
                    + " AND collation_name IS DISTINCT FROM 'C' AND table_name <> 'schema_migrations' ORDER BY 1", List.of(), rs -> rs.getString(1));
            assertThat(others).as("text columns compared under a language's collation (slow, and sorted unlike DuckDB)").isEmpty();
        }
    }
}
