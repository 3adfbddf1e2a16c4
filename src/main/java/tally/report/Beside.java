package tally.report;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One read run on a thread of its own while the caller does another: a report whose answer takes
 * two independent queries waits for the longer one, not for both (the activity report's cost per
 * person and its daily active users, 13 and 18 ms on a 10M-record store, were read one after the
 * other). The read fails the report as it would have failed it in line.
 */
final class Beside<T> {
    private final CompletableFuture<T> result;

    private Beside(CompletableFuture<T> result) {
        this.result = result;
    }

    static <T> Beside<T> start(String name, Supplier<T> read) {
        return new Beside<>(CompletableFuture.supplyAsync(read, task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        }));
    }

    /** The read's result, or what it threw. */
    T join() {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }
}
