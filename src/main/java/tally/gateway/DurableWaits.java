package tally.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Brings the spool's acknowledgements back to the event loops that wait on them. The spool forces
 * records in batches; each loop is woken once per batch, not once per record, and finds every
 * acknowledgement that arrived meanwhile. A record not confirmed within the wait is answered anyway
 * (logged): one sweep a second per loop checks the oldest waits, instead of a timer per request;
 * so the wait ends between {@code wait} and {@code wait} + 1 s.
 */
final class DurableWaits {
    private static final Logger LOG = Logger.getLogger(DurableWaits.class.getName());
    static final long SWEEP_MS = 1_000;

    private final Vertx vertx;
    private final long waitNanos;
    /** Told how long each answer was held, in nanoseconds. */
    private final java.util.function.LongConsumer held;
    /** By event-loop thread: as many as Vert.x has event loops. */
    private final Map<Thread, Loop> loops = new ConcurrentHashMap<>();

    DurableWaits(Vertx vertx, java.time.Duration wait, java.util.function.LongConsumer held) {
        this.vertx = vertx;
        this.waitNanos = wait.toNanos();
        this.held = held;
    }

    /** One record's wait. */
    private static final class Wait {
        final String id;
        final long began;
        final Promise<Void> promise = Promise.promise();
        volatile Throwable failure;

        Wait(String id, long began) {
            this.id = id;
            this.began = began;
        }
    }

    /** On the loop: done, whether the record is on disk or could not be put there. */
    private void settle(Wait w) {
        if (w.promise.future().isComplete()) return; // answered already, after the wait ran out
        if (w.failure != null) unconfirmed(w.id, w.failure);
        held.accept(System.nanoTime() - w.began);
        w.promise.complete();
    }

    /** One event loop's acknowledgements: those arrived from the spool, and all waits, oldest first. */
    private final class Loop {
        final Context ctx;
        final Queue<Wait> arrived = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();
        final ArrayDeque<Wait> waiting = new ArrayDeque<>(); // the loop's alone

        Loop(Context ctx) {
            this.ctx = ctx;
            vertx.setPeriodic(SWEEP_MS, SWEEP_MS, t -> sweep());
        }

        /** Any thread: the record of {@code w} is on disk (or failed); wake the loop unless a wake-up is pending. */
        void arrived(Wait w) {
            arrived.add(w);
            if (scheduled.compareAndSet(false, true)) ctx.runOnContext(v -> drain());
        }

        void drain() {
            scheduled.set(false);
            for (Wait w; (w = arrived.poll()) != null; ) settle(w);
        }

        /** Drops settled waits from the front; answers those whose wait ran out. Waits end in the order they began. */
        void sweep() {
            long now = System.nanoTime();
            for (Wait w; (w = waiting.peekFirst()) != null; waiting.pollFirst()) {
                if (w.promise.future().isComplete()) continue;
                if (now - w.began < waitNanos) break;
                w.failure = new java.util.concurrent.TimeoutException("not on disk after " + waitNanos / 1_000_000 + " ms");
                settle(w);
            }
        }
    }

    /**
     * The moment a queued record is durable, on the calling event loop. Off an event loop, a
     * completion per record and a timer of its own, as before.
     */
    Future<Void> await(CompletableFuture<Void> queued, String id) {
        Context ctx = Vertx.currentContext();
        if (ctx == null || !ctx.isEventLoopContext()) return single(vertx.getOrCreateContext(), queued, id, System.nanoTime());
        Loop loop = loops.computeIfAbsent(Thread.currentThread(), t -> new Loop(ctx));
        Wait w = new Wait(id, System.nanoTime());
        loop.waiting.addLast(w);
        queued.whenComplete((v, t) -> {
            w.failure = t;
            loop.arrived(w);
        });
        return w.promise.future();
    }

    /**
     * A record's wait by itself: its own completion on {@code ctx} and its own timer. {@code began}: when
     * the answer started waiting (before any wait for room in the writer's queue), for the hold reported.
     */
    Future<Void> single(Context ctx, CompletableFuture<Void> queued, String id, long began) {
        return Future.fromCompletionStage(queued, ctx).timeout(waitNanos / 1_000_000, java.util.concurrent.TimeUnit.MILLISECONDS)
                .recover(t -> {
                    unconfirmed(id, t);
                    return Future.succeededFuture();
                })
                .onComplete(v -> held.accept(System.nanoTime() - began));
    }

    private static void unconfirmed(String id, Throwable why) {
        LOG.severe("gateway: record " + id + " not confirmed on disk, answering anyway: " + why);
    }
}
