package tally.ingest;

/** Counters of one writer since it started. */
public record IngestStats(long accepted, long added, long duplicates, long superseded, long backlog,
                          int queued, long replayed, long skipped, String lastError) {}
