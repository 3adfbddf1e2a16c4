package tally.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.ingest.IngestWriterTest.record;

/**
 * Small batches forced one by one for waiting clients (the gateway's durable answers) share one
 * preallocated spool segment: forcing them is a data flush, not a file creation each.
 */
class SpoolLogTest {
    private static final IngestWriter.Options SMALL = new IngestWriter.Options(100, Duration.ofMillis(20), 1_000);

    @TempDir Path dir;

    private static IngestWriter writer(Store store) {
        return new IngestWriter(new Ledger(store), new Spool(store.config().spoolDir()),
                e -> e.withPrice(e.model(), 42L, "test"), SMALL);
    }

    @Test
    void durableRecordsForcedOneByOneShareAPreallocatedSegmentInsteadOfAFileEach() throws Exception {
        StoreConfig config = StoreConfig.embedded(dir);
        try (Store store = Store.open(config)) {
            Path spoolDir = store.config().spoolDir();
            int created;
            try (WatchService watch = FileSystems.getDefault().newWatchService()) {
                try (IngestWriter w = writer(store)) {
                    spoolDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                    for (int i = 0; i < 200; i++) {
                        w.offerDurable(record(i)).get(10, TimeUnit.SECONDS); // each its own batch, forced on its own
                        if (i == 0) Thread.sleep(200); // the first segment is prepared meanwhile
                    }
                    assertThat(w.flush(Duration.ofSeconds(30))).isTrue();
                    assertThat(w.stats().added()).isEqualTo(200);
                }
                created = segmentsCreated(watch);
            }
            assertThat(created).as("segment files created for 200 batches").isLessThanOrEqualTo(3);
            assertThat(spoolDir).as("a flushed, closed writer leaves nothing behind").isEmptyDirectory();
            assertThat(new Ledger(store).idCounts()).hasSize(200).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        }
    }

    @Test
    void aPreallocatedSegmentLeftByACrashIsReplayedUpToItsZeroTail() throws Exception {
        StoreConfig config = StoreConfig.embedded(dir);
        Spool spool = new Spool(config.spoolDir());
        Path seg = spool.append(List.of(record(1).withPrice("m", 1L, "t"), record(2).withPrice("m", 1L, "t")));
        long written = Files.size(seg);
        Files.write(seg, new byte[64 << 10], StandardOpenOption.APPEND); // the part of the segment never written
        assertThat(spool.bytes()).as("the spool gauge counts records, not the preallocated tail").isEqualTo(written);
        try (Store store = Store.open(config); IngestWriter w = writer(store)) {
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(w.stats().replayed()).isEqualTo(2);
            assertThat(w.stats().skipped()).as("zeros are the end, not an unreadable record").isZero();
            assertThat(new Ledger(store).idCounts()).containsOnlyKeys("r-1", "r-2");
            assertThat(spool.segments()).isEmpty();
        }
    }

    @Test
    void aPeriodicSpoolAcknowledgesADurableRecordOnItsCallersThreadOnceItIsInTheSpoolFile() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            Spool spool = new Spool(store.config().spoolDir(), Spool.Sync.PERIODIC);
            int i = 1;
            try (IngestWriter w = new IngestWriter(new Ledger(store), spool, e -> e.withPrice(e.model(), 42L, "test"), SMALL)) {
                w.offerDurable(record(0)).get(10, TimeUnit.SECONDS); // through the spooler while the first segment is prepared
                long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!w.offerDurable(record(i++)).isDone()) {
                    assertThat(System.nanoTime()).as("a segment was prepared").isLessThan(readyBy);
                    Thread.sleep(10);
                }
                for (int n = 0; n < 50; n++, i++) {
                    java.util.concurrent.CompletableFuture<Void> ack = w.offerDurable(record(i));
                    assertThat(ack).as("acknowledged before offerDurable returns").isCompleted();
                    assertThat(spooled(spool)).as("written first").contains("\"r-" + i + "\"");
                }
                assertThat(w.flush(Duration.ofSeconds(30))).isTrue();
                assertThat(w.stats().added()).isEqualTo(i);
            }
            assertThat(new Ledger(store).idCounts()).hasSize(i).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(spool.segments()).as("a flushed, closed writer leaves nothing behind").isEmpty();
        }
    }

    @Test
    void aPeriodicSpoolMovesOnToItsNextSegmentsAndKeepsEveryRecordExactlyOnce() throws Exception {
        int n = 15_000; // ~6 MB of lines: more than one 4 MB segment
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            Spool spool = new Spool(store.config().spoolDir(), Spool.Sync.PERIODIC);
            IngestWriter.Options roomy = new IngestWriter.Options(5_000, Duration.ofMillis(20), n);
            try (IngestWriter w = new IngestWriter(new Ledger(store), spool, e -> e.withPrice(e.model(), 42L, "test"), roomy)) {
                List<java.util.concurrent.CompletableFuture<Void>> acks = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) acks.add(w.offerDurable(record(i)));
                for (var ack : acks) ack.get(30, TimeUnit.SECONDS);
                assertThat(w.flush(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(new Ledger(store).idCounts()).hasSize(n).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
            assertThat(spool.segments()).as("a flushed, closed writer leaves nothing behind").isEmpty();
        }
    }

    private static String spooled(Spool spool) throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        for (Path p : spool.segments()) all.append(Files.readString(p).replace("\0", ""));
        return all.toString();
    }

    private static int segmentsCreated(WatchService watch) throws InterruptedException {
        int n = 0;
        for (WatchKey key; (key = watch.poll(200, TimeUnit.MILLISECONDS)) != null; key.reset()) {
            for (WatchEvent<?> e : key.pollEvents()) {
                assertThat(e.kind()).as("no events lost").isNotEqualTo(StandardWatchEventKinds.OVERFLOW);
                if (e.context().toString().endsWith(".jsonl")) n++;
            }
        }
        return n;
    }
}
