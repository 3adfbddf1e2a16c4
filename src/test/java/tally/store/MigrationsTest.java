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
}
