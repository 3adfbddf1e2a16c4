package tally.alerts;

import java.util.concurrent.CompletableFuture;

/** Somewhere notifications go. Sending never throws; a failure completes the future exceptionally. */
public interface Channel extends AutoCloseable {
    String name();

    CompletableFuture<Void> send(Notification n);

    @Override
    default void close() {}
}
