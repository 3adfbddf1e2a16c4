package tally.importers.claudecode;

import tally.core.UsageEvent;
import tally.ingest.IngestStats;
import tally.ingest.RecordSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A writer that takes every record at once, as added, and keeps it: an importer's records without a store. */
final class TakingSink implements RecordSink {
    final List<UsageEvent> taken = new ArrayList<>();
    private final Consumer<UsageEvent> before;

    TakingSink() {
        this(e -> { });
    }

    /** @param before runs as each record arrives, before it is kept */
    TakingSink(Consumer<UsageEvent> before) {
        this.before = before;
    }

    @Override
    public CompletableFuture<Void> submit(UsageEvent e) {
        before.accept(e);
        taken.add(e);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    @Override
    public IngestStats stats() {
        return new IngestStats(taken.size(), taken.size(), 0, 0, 0, 0, 0, 0, null);
    }
}
