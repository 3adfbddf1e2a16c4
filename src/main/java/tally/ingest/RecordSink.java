package tally.ingest;

import tally.core.UsageEvent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where an importer hands its records: the ingest writer of this process, or (beside a running
 * server) the server's store through its REST API. Counts as the writer counts them.
 */
public interface RecordSink {
    /** Takes a record, blocking while the sink is full. */
    CompletableFuture<Void> submit(UsageEvent e);

    /** Waits until everything submitted so far is stored; false if the store did not take it in time. */
    boolean flush(Duration timeout);

    IngestStats stats();
}
