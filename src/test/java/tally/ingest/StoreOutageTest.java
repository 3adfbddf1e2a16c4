package tally.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.TcpProxy;
import tally.store.TestStores;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL goes away under a running writer and comes back: nothing accepted is lost or doubled. */
class StoreOutageTest {
    @TempDir Path dir;

    @Test
    @Timeout(120)
    void recordsAcceptedWhilePostgresIsDownAreWrittenOnceWhenItIsBack() throws Exception {
        String url = TestStores.freshSchemaUrl();
        URI uri = URI.create(url);
        try (TcpProxy proxy = new TcpProxy(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432)) {
            String viaProxy = url.replace(uri.getHost() + ":" + uri.getPort(), "127.0.0.1:" + proxy.port());
            StoreConfig config = StoreConfig.postgres(dir, viaProxy);
            try (Store store = Store.open(config);
                 IngestWriter w = new IngestWriter(new Ledger(store), new Spool(config.spoolDir()),
                         e -> e.withPrice(e.model(), 5L, "t"), new IngestWriter.Options(50, Duration.ofMillis(10), 1_000))) {
                for (int i = 0; i < 100; i++) w.submit(IngestWriterTest.record(i));
                assertThat(w.flush(Duration.ofSeconds(20))).isTrue();

                proxy.down();
                List<CompletableFuture<Void>> accepted = new ArrayList<>();
                for (int i = 100; i < 600; i++) accepted.add(w.submit(IngestWriterTest.record(i)));
                CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get();
                assertThat(w.flush(Duration.ofSeconds(2))).as("nothing can be written while the store is down").isFalse();
                assertThat(w.stats().backlog()).isGreaterThan(0);
                assertThat(w.stats().lastError()).isNotNull();

                proxy.up();
                assertThat(w.flush(Duration.ofSeconds(60))).isTrue();
                Ledger ledger = new Ledger(store);
                assertThat(ledger.countRecords()).isEqualTo(600);
                assertThat(ledger.idCounts().values()).allMatch(n -> n == 1);
                assertThat(w.stats().backlog()).isZero();
            }
        }
    }
}
