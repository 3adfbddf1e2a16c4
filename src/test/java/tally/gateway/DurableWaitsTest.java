package tally.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer held for its record's durability goes out on its own event loop once the spool confirms
 * the record, a whole batch of confirmations per wake-up; a record never confirmed is answered anyway
 * once the wait has run out, never held forever.
 */
class DurableWaitsTest {
    private final Vertx vertx = Vertx.vertx();
    /** How long each answer was held, as the waits report it (for /metrics). */
    private final List<Long> heldNanos = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBatchConfirmedTogetherIsAnsweredOnTheEventLoopThatWaits() throws Exception {
        DurableWaits waits = new DurableWaits(vertx, Duration.ofSeconds(10), heldNanos::add);
        Context loop = vertx.getOrCreateContext();
        List<CompletableFuture<Void>> spooled = new ArrayList<>();
        List<Thread> answeredOn = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch answered = new CountDownLatch(100);
        CountDownLatch waiting = new CountDownLatch(1);
        loop.runOnContext(v -> {
            for (int i = 0; i < 100; i++) {
                CompletableFuture<Void> cf = new CompletableFuture<>();
                spooled.add(cf);
                waits.await(cf, "r" + i).onComplete(ar -> {
                    answeredOn.add(Thread.currentThread());
                    answered.countDown();
                });
            }
            waiting.countDown();
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        Thread spool = new Thread(() -> {
            sleep(20); // the disk's flush
            spooled.forEach(cf -> cf.complete(null));
        }, "spool");
        spool.start();
        assertThat(answered.await(10, TimeUnit.SECONDS)).as("every answer released").isTrue();
        Thread[] loopThread = new Thread[1];
        CountDownLatch asked = new CountDownLatch(1);
        loop.runOnContext(v -> {
            loopThread[0] = Thread.currentThread();
            asked.countDown();
        });
        asked.await(10, TimeUnit.SECONDS);
        assertThat(answeredOn).hasSize(100).containsOnly(loopThread[0]);
        assertThat(heldNanos).as("each answer's hold reported once, at least the flush").hasSize(100)
                .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20)));
    }

    @Test
    void aRecordThatWaitedForRoomInTheQueueReportsThatWaitAsPartOfItsHold() throws Exception {
        DurableWaits waits = new DurableWaits(vertx, Duration.ofSeconds(10), heldNanos::add);
        long began = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(50); // 50 ms waiting for room first
        CompletableFuture<Void> spooled = new CompletableFuture<>();
        Future<Void> answered = waits.single(vertx.getOrCreateContext(), spooled, "r", began);
        spooled.complete(null);
        answered.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(heldNanos).hasSize(1).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50)));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFailedOrNeverConfirmedRecordIsAnsweredAnywayAfterTheWait() throws Exception {
        DurableWaits waits = new DurableWaits(vertx, Duration.ofMillis(300), heldNanos::add);
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<Void> failed = new CompletableFuture<>();
        CompletableFuture<Void> never = new CompletableFuture<>();
        CompletableFuture<Future<Void>[]> held = new CompletableFuture<>();
        long start = System.nanoTime();
        loop.runOnContext(v -> {
            @SuppressWarnings("unchecked")
            Future<Void>[] f = new Future[] {waits.await(failed, "a"), waits.await(never, "b")};
            held.complete(f);
        });
        Future<Void>[] f = held.get(10, TimeUnit.SECONDS);
        failed.completeExceptionally(new java.io.IOException("disk full"));
        f[0].toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(f[1].isComplete()).as("not confirmed yet, still within its wait").isFalse();
        f[1].toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(f[1].succeeded()).as("answered, not failed").isTrue();
        assertThat(waitedMs).as("the wait, plus at most one sweep").isBetween(300L, 300L + DurableWaits.SWEEP_MS + 2_000L);
        assertThat(heldNanos).as("both holds reported, the unconfirmed one for its whole wait").hasSize(2)
                .anySatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300)));
    }
}
