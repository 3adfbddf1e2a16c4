package tally.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A server's background task ({@link RetentionJob}, {@link TopDaysJob}): run on a daemon thread of
 * its own after {@code first}, then again {@code every} after each run ends. Closing stops it,
 * waiting up to ten seconds for a run in progress.
 */
final class Repeating implements AutoCloseable {
    private final ScheduledExecutorService timer;

    Repeating(String thread, Runnable task, Duration first, Duration every) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(task, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
