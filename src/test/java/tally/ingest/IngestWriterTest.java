package tally.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.TestJvm;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.TestStores;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class IngestWriterTest {
    private static final IngestWriter.Options SMALL = new IngestWriter.Options(100, Duration.ofMillis(20), 1_000);

    @TempDir Path dir;

    static UsageEvent record(int i) {
        return UsageEvent.builder().id("r-" + i).time(Instant.parse("2026-01-05T10:00:00Z").plusSeconds(i))
                .source(Source.MANUAL).identity("dev" + (i % 3)).modelId("claude-haiku-4-5-20251001")
                .tokens(TokenCounts.of(100, 10)).build();
    }

    private static final UnaryOperator<UsageEvent> PRICE = e -> e.withPrice(e.model(), 42L, "test");

    private static IngestWriter writer(Store store, IngestWriter.Options options) {
        return new IngestWriter(new Ledger(store), new Spool(store.config().spoolDir()), PRICE, options);
    }

    /**
     * Submits a record every millisecond for two seconds and counts the store writes meanwhile (each
     * moves the added count once); returns {writes, nanoseconds it took}.
     */
    private static long[] writesWhileARecordComesEveryMillisecond(IngestWriter w) throws InterruptedException {
        Thread trickle = new Thread(() -> {
            for (int i = 0; i < 2_000 && !Thread.currentThread().isInterrupted(); i++) {
                w.submit(record(i));
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        });
        long t0 = System.nanoTime();
        trickle.start();
        long writes = 0;
        long seen = 0;
        while (trickle.isAlive()) {
            long added = w.stats().added();
            if (added != seen) writes++;
            seen = added;
            Thread.sleep(1);
        }
        return new long[] {writes, System.nanoTime() - t0};
    }

    @Test
    @Timeout(60)
    void closingAnIdleWriterDoesNotWaitOutTheStoreThreadsIdleWait() throws Exception {
        IngestWriter.Options unspooled = new IngestWriter.Options(100, Duration.ofMillis(20), 1_000, false);
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            for (IngestWriter.Options options : List.of(SMALL, unspooled)) {
                for (int i = 0; i < 5; i++) {
                    IngestWriter w = writer(store, options);
                    w.submit(record(i)).get();
                    assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
                    Thread.sleep(20); // the store thread is back in its idle wait
                    long t0 = System.nanoTime();
                    w.close();
                    long tookMs = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(tookMs).as("close took %d ms; the idle wait is %d ms", tookMs, IngestWriter.IDLE_WAIT_MS)
                            .isLessThan(IngestWriter.IDLE_WAIT_MS / 3);
                }
            }
            assertThat(new Ledger(store).countRecords()).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void batchesPricesAndStoresEverythingSubmittedThenEmptiesTheSpool(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            try (IngestWriter w = writer(store, SMALL)) {
                List<CompletableFuture<Void>> accepted = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) accepted.add(w.submit(record(i)));
                for (int i = 0; i < 200; i++) w.submit(record(i)); // resent: stored once
                assertThat(w.flush(Duration.ofSeconds(30))).isTrue();
                assertThat(accepted).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
                assertThat(w.stats().added()).isEqualTo(1_000);
                assertThat(w.stats().duplicates()).isEqualTo(200);
                assertThat(w.stats().backlog()).isZero();
            }
            Ledger ledger = new Ledger(store);
            assertThat(ledger.countRecords()).isEqualTo(1_000);
            assertThat(ledger.idCounts().values()).allMatch(n -> n == 1);
            assertThat(store.config().spoolDir()).isEmptyDirectory();
        }
    }

    @Test
    @Timeout(30)
    void onLinuxASpooledWritersStoreThreadGivesWayToItsCallersWhileAnImportsKeepsItsPriority() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only");
        int callers = ThreadNice.niceOf(Path.of("/proc/thread-self/stat"));
        try (Store store = Store.open(StoreConfig.embedded(dir)); IngestWriter w = writer(store, SMALL)) {
            w.submit(record(1)).get();
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            long tid = w.storeThreadId();
            assertThat(tid).as("the store thread's Linux id").isPositive();
            Path task = Path.of("/proc/self/task/" + tid);
            assertThat(Files.readString(task.resolve("comm")).trim()).isEqualTo("tally-ingest-st"); // 15 characters
            assertThat(ThreadNice.niceOf(task.resolve("stat"))).as("its nice value").isEqualTo(Math.min(19, callers + 10));
        }
        IngestWriter.Options unspooled = new IngestWriter.Options(100, Duration.ofMillis(20), 1_000, false);
        try (Store store = Store.open(StoreConfig.embedded(dir.resolve("import"))); IngestWriter w = writer(store, unspooled)) {
            w.submit(record(1)).get();
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(w.storeThreadId()).as("left as it was").isEqualTo(-1);
        }
    }

    @Test
    @Timeout(60)
    void whileRecordsKeepComingTheStoreIsWrittenAtMostOncePerMaxDelay() throws Exception {
        IngestWriter.Options everyHalfSecond = new IngestWriter.Options(10_000, Duration.ofMillis(500), 10_000);
        try (Store store = Store.open(StoreConfig.embedded(dir)); IngestWriter w = writer(store, everyHalfSecond)) {
            long[] trickled = writesWhileARecordComesEveryMillisecond(w);
            double seconds = trickled[1] / 1e9;
            assertThat(trickled[0]).as("store writes in %.1f s of records arriving every millisecond", seconds)
                    .isBetween(1L, (long) Math.ceil(seconds / 0.5) + 1);
            assertThat(w.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(w.stats().added()).isEqualTo(2_000);
        }
    }

    @Test
    @Timeout(60)
    void whileRecordsKeepComingASlowStoreIsWrittenAThirtiethOfTheTimeAtMost() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            Ledger ledger = new Ledger(store);
            long write = Long.MAX_VALUE; // the fastest of a few warm writes like the writer's
            for (int i = 0; i < 8; i++) {
                List<UsageEvent> batch = new ArrayList<>();
                for (int j = 0; j < 20; j++) batch.add(record(1_000_000 + i * 20 + j));
                long t = System.nanoTime();
                ledger.write(batch, PRICE);
                if (i >= 3) write = Math.min(write, System.nanoTime() - t);
            }
            IngestWriter.Options everyMillisecond = new IngestWriter.Options(10_000, Duration.ofMillis(1), 10_000);
            try (IngestWriter w = writer(store, everyMillisecond)) {
                long[] trickled = writesWhileARecordComesEveryMillisecond(w);
                long elapsed = trickled[1];
                // back to back it would write every `write` ns; waiting 29 writes' length, every thirty
                assertThat(trickled[0]).as("store writes in %d ms, a write taking %.1f ms", elapsed / 1_000_000, write / 1e6)
                        .isBetween(1L, elapsed / (12 * write) + 2);
                assertThat(w.flush(Duration.ofSeconds(30))).isTrue();
                assertThat(w.stats().added()).isEqualTo(2_000);
            }
        }
    }

    @Test
    @Timeout(60)
    void aRecordAfterAQuietSpellIsWrittenAtOnceNotAfterMaxDelay() throws Exception {
        IngestWriter.Options slow = new IngestWriter.Options(10_000, Duration.ofSeconds(20), 10_000);
        try (Store store = Store.open(StoreConfig.embedded(dir)); IngestWriter w = writer(store, slow)) {
            long t0 = System.nanoTime();
            w.submit(record(1));
            while (w.stats().added() == 0) Thread.sleep(5);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aDurableRecordIsForcedToTheSpoolAtOnceWhileATrickleOfOtherRecordsKeepsBatchesOpen() throws Exception {
        IngestWriter.Options lingering = new IngestWriter.Options(10_000, Duration.ofSeconds(3), 10_000);
        try (Store store = Store.open(StoreConfig.embedded(dir)); IngestWriter w = writer(store, lingering)) {
            Thread trickle = new Thread(() -> { // a record every 0.2 ms: a plain batch lingers its full delay
                for (int i = 0; i < 9_000 && !Thread.currentThread().isInterrupted(); i++) {
                    w.submit(record(i));
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
            });
            trickle.start();
            Thread.sleep(100);
            long t0 = System.nanoTime();
            UsageEvent answered = record(1_000_000);
            w.offerDurable(answered).get(10, java.util.concurrent.TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            trickle.interrupt();
            trickle.join();
            assertThat(ms).as("ms until the awaited record was on disk").isLessThan(500);
            Spool spool = new Spool(store.config().spoolDir());
            List<String> onDisk = new ArrayList<>();
            for (Path seg : spool.segments()) spool.read(seg, skip -> { }).forEach(e -> onDisk.add(e.id()));
            Set<String> stored = new Ledger(store).idCounts().keySet();
            assertThat(onDisk.contains(answered.id()) || stored.contains(answered.id())).as("in the spool or the store").isTrue();
        }
    }

    @Test
    @Timeout(60)
    void anUnspooledWriterWhoseStoreKeepsRefusingGivesUpSayingWhyInsteadOfRetryingForever() throws Exception {
        IngestWriter.Options unspooled = new IngestWriter.Options(100, Duration.ofMillis(20), 1_000, false);
        Store store = Store.open(StoreConfig.embedded(dir));
        try (IngestWriter w = writer(store, unspooled)) {
            store.close(); // every write from now on fails, as a store over its memory cap does
            for (int i = 0; i < 500; i++) w.submit(record(i)); // more than the two batches it holds ahead
            long started = System.nanoTime();
            assertThat(w.flush(Duration.ofSeconds(40))).as("the flush fails instead of waiting out its timeout").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(w.stats().lastError()).isNotBlank();
            assertThat(w.submit(record(1_000))).as("records after it gave up are refused at once").isCompletedExceptionally();
            assertThat(w.stats().backlog()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anUnspooledWriterKeepsItsBatchesTogetherOnDuckDbUntilAFlushAndCommitsEachOnPostgres(TestStores.Kind kind)
            throws Exception {
        IngestWriter.Options unspooled = new IngestWriter.Options(100, Duration.ofMillis(20), 1_000, false);
        try (Store store = Store.open(TestStores.config(kind, dir)); IngestWriter w = writer(store, unspooled)) {
            for (int i = 0; i < 250; i++) w.submit(record(i));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (w.stats().added() < 250 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(w.stats().added()).as("all three batches written").isEqualTo(250);
            // DuckDB: one transaction, its row groups written whole (a checkpoint need not merge partial
            // ones); PostgreSQL: a batch at a time, so an import never holds the writers' lock for long
            long visible = new Ledger(store).countRecords();
            assertThat(visible).isEqualTo(kind == TestStores.Kind.DUCKDB ? 0 : 250);
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(new Ledger(store).countRecords()).isEqualTo(250);
            for (int i = 250; i < 300; i++) w.submit(record(i)); // and again after the flush
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(new Ledger(store).countRecords()).isEqualTo(300);
        }
    }

    @Test
    void anUnspooledWriterStoresEverythingWithoutTouchingTheSpoolAndClosesAtOnce() throws Exception {
        IngestWriter.Options unspooled = new IngestWriter.Options(100, Duration.ofSeconds(5), 1_000, false);
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            Spool spool = new Spool(store.config().spoolDir());
            long closedIn;
            try (IngestWriter w = writer(store, unspooled)) {
                for (int i = 0; i < 5_000; i++) w.submit(record(i)); // far more than two batches ahead
                assertThat(w.flush(Duration.ofSeconds(30))).isTrue();
                assertThat(w.stats().added()).isEqualTo(5_000);
                assertThat(spool.segments()).isEmpty();
                closedIn = System.nanoTime();
            }
            closedIn = System.nanoTime() - closedIn;
            // close does not wait out the batching delay (5 s here)
            assertThat(Duration.ofNanos(closedIn)).isLessThan(Duration.ofSeconds(2));
            assertThat(new Ledger(store).countRecords()).isEqualTo(5_000);
        }
    }

    @Test
    @Timeout(60)
    void recordsTheMemoryCouldNotHoldAreStoredInWholeBatchesNotASegmentAWrite() throws Exception {
        StoreConfig config = StoreConfig.embedded(dir);
        Spool spool = new Spool(config.spoolDir());
        for (int s = 0; s < 200; s++) { // 200 segments of 5 left by a run that stopped
            List<UsageEvent> five = new ArrayList<>();
            for (int i = 0; i < 5; i++) five.add(record(s * 5 + i).withPrice("m", 1L, "t"));
            spool.append(five);
        }
        IngestWriter.Options fifty = new IngestWriter.Options(50, Duration.ofMillis(20), 1_000); // 400 records kept in memory
        try (Store store = Store.open(config); IngestWriter w = writer(store, fifty)) {
            assertThat(w.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(w.stats().added()).isEqualTo(1_000);
            assertThat(w.storeWrites()).as("store writes for 1,000 records in batches of 50, 600 of them read back").isBetween(20L, 25L);
        }
    }

    @Test
    void aSegmentLeftInTheSpoolIsReplayedAtStartAndACutShortLineIsSkippedAndCounted() throws Exception {
        StoreConfig config = StoreConfig.embedded(dir);
        Spool spool = new Spool(config.spoolDir());
        Path seg = spool.append(List.of(record(1).withPrice("m", 1L, "t"), record(2).withPrice("m", 1L, "t")));
        Files.writeString(seg, "{\"id\":\"r-3\",\"ts_ms\":17", java.nio.file.StandardOpenOption.APPEND);
        try (Store store = Store.open(config); IngestWriter w = writer(store, SMALL)) {
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(w.stats().replayed()).isEqualTo(2);
            assertThat(w.stats().skipped()).isEqualTo(1);
            assertThat(new Ledger(store).idCounts()).containsOnlyKeys("r-1", "r-2");
            assertThat(spool.segments()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    @Timeout(120)
    void everyAcceptedRecordSurvivesKillNineExactlyOnce(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store ignored = Store.open(config)) {
            // migrate once up front so the child starts writing at once
        }
        List<String> cmd = TestJvm.command(dir, List.of(), CrashingWriter.class, dir.toString());
        if (config.isPostgres()) cmd.add(config.postgresUrl());
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<String> accepted = new HashSet<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (accepted.size() < 20_000 && (line = r.readLine()) != null) accepted.add(line);
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
            child.waitFor();
        }
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(20_000);

        try (Store store = Store.open(config); IngestWriter w = writer(store, SMALL)) {
            assertThat(w.flush(Duration.ofSeconds(60))).isTrue();
            Map<String, Long> counts = new Ledger(store).idCounts();
            assertThat(counts.keySet()).containsAll(accepted);
            assertThat(counts.values()).allMatch(n -> n == 1);
        }
    }
}
