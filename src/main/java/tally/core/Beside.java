package tally.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Work started now on a thread of its own, joined later: the caller does something else meanwhile
 * (the activity report's two independent queries, the transcript walk beside the store's opening),
 * or waits only so long (the status line). A daemon thread: work that hangs never keeps the process
 * alive.
 */
public final class Beside<T> {
    private final FutureTask<T> task;

    private Beside(FutureTask<T> task) {
        this.task = task;
    }

    public static <T> Beside<T> start(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return new Beside<>(task);
    }

    /**
     * What the work returned, once it has. What it threw is rethrown as it was when unchecked, and
     * otherwise as the cause of a {@link Failed} (as is an interruption of the waiting thread, whose
     * interrupt flag stays set).
     */
    public T join() {
        return waited(task::get);
    }

    /** As {@link #join()}, waiting at most {@code within}: past it, a {@link Failed} caused by a {@link TimeoutException}. */
    public T join(Duration within) {
        return waited(() -> task.get(within.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** One of the task's two gets. */
    private interface Get<T> {
        T get() throws InterruptedException, ExecutionException, TimeoutException;
    }

    private T waited(Get<T> get) {
        try {
            return get.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed(e);
        } catch (TimeoutException e) {
            throw new Failed(e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) return r;
        if (cause instanceof Error err) throw err;
        return new Failed(cause);
    }

    /** The work threw a checked exception, ran out of time, or the waiting thread was interrupted: the cause says which. */
    public static final class Failed extends RuntimeException {
        Failed(Throwable cause) {
            super(cause.toString(), cause);
        }
    }
}
