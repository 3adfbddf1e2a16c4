package tally.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Re-reads of a table kept in memory (ingest tokens, Tally keys), asked for by look-ups that missed
 * it: a credential made by another process since the last read. Anyone can send unknown credentials,
 * so the re-reads run off the caller's thread, at most one per {@code minGap} however many misses
 * arrive, each shared by every miss seen before it starts.
 */
public final class Rereads {
    private final Runnable reread;
    private final long minGapNanos;
    /** Where the re-reads run: one thread at most, gone when idle. */
    private final Executor reader;
    private final Object lock = new Object();
    /** The re-read that misses seen since the last one started wait for; null when none waits. */
    private CompletableFuture<Void> next;
    private long lastNanos;

    public Rereads(String threadName, Duration minGap, Runnable reread) {
        this.reread = reread;
        this.minGapNanos = minGap.toNanos();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.reader = pool;
        this.lastNanos = System.nanoTime() - minGapNanos;
    }

    /** The table was read just now by other means (a refresh): the next re-read for a miss waits {@code minGap} from here. */
    public void readNow() {
        synchronized (lock) {
            lastNanos = System.nanoTime();
        }
    }

    /** A re-read that starts after now, shared by every caller until it starts; {@code minGap} after the one before. */
    public CompletableFuture<Void> next() {
        synchronized (lock) {
            if (next != null) return next;
            CompletableFuture<Void> read = new CompletableFuture<>();
            next = read;
            long wait = Math.max(0, lastNanos + minGapNanos - System.nanoTime());
            CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS, reader).execute(() -> {
                synchronized (lock) {
                    next = null; // misses from now on wait for a re-read after this one
                    lastNanos = System.nanoTime();
                }
                try {
                    reread.run();
                    read.complete(null);
                } catch (RuntimeException e) {
                    read.completeExceptionally(e);
                }
            });
            return read;
        }
    }
}
