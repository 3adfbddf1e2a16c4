package tally.otlp;

import tally.core.Activity;
import tally.store.ActivityLog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Activity rows gathered from many small exports and written in batches by one thread, so an OTLP
 * request never waits on a store transaction of its own. Activity is not billable usage: what is
 * queued when the process dies is gone, and the exporter's next interval carries on.
 */
final class ActivitySink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ActivitySink.class.getName());

    private final ActivityLog log;
    private final LinkedBlockingQueue<Activity> queue = new LinkedBlockingQueue<>(1_000_000);
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;

    ActivitySink(ActivityLog log) {
        this.log = log;
        this.thread = new Thread(this::loop, "tally-activity");
        thread.setDaemon(true);
        thread.start();
    }

    /** False when the queue is full (the caller answers 503 and the exporter retries). */
    boolean offer(List<Activity> rows) {
        for (Activity a : rows) {
            pending.incrementAndGet();
            if (!queue.offer(a)) {
                pending.decrementAndGet();
                return false;
            }
        }
        return true;
    }

    /** Waits until everything offered so far is written (for tests and shutdown). */
    void flush() {
        while (pending.get() > 0 && thread.isAlive()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void loop() {
        List<Activity> batch = new ArrayList<>();
        while (!(closing && queue.isEmpty())) {
            try {
                Activity first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, 50_000);
                log.write(batch);
                pending.addAndGet(-batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot write " + batch.size() + " activity rows; retrying", e);
                requeue(batch);
                sleep();
            }
        }
    }

    private void requeue(List<Activity> batch) {
        for (Activity a : batch) queue.offer(a);
        batch.clear();
    }

    private static void sleep() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
