package tally.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import tally.core.Bounds;
import tally.core.UsageEvent;
import tally.ingest.IngestWriter;
import tally.store.ActivityLog;
import tally.store.Ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes decoded OTLP requests from Claude Code and records them: usage through the ingest writer,
 * activity into the activity log. A session that sends per-request api_request events is metered
 * from those alone; its metric-derived usage is skipped, and any already stored is taken back once
 * the first event reaches the store (the ledger does that in the write, see Ledger), so a team that
 * sends both is never counted twice.
 *
 * <p>Nothing here waits on the store: while it is down, exports are still answered once their
 * records are in the spool. Decoding and mapping take CPU: call the methods off the event loop. They
 * return once records are queued; the future completes when the usage records are accepted (in the
 * spool), which is when a 200 may be sent.
 */
public final class TelemetryCollector implements AutoCloseable {

    /** What a request amounted to; {@code busy} means the writer's queue was full (retryable). */
    public record Outcome(int accepted, int rejected, String firstRejection, boolean busy) {}

    private final IngestWriter writer;
    private final ActivityLog activity;
    private final ActivitySink activitySink;
    private final TelemetryMapper mapper;
    private final SeriesTracker tracker = new SeriesTracker();
    private final Set<String> eventSessions = ConcurrentHashMap.newKeySet();
    private final IngestTokenCheck tokens;

    /** {@code ledger} is no longer consulted here (the ledger settles sessions in its writes); kept for callers. */
    public TelemetryCollector(IngestWriter writer, Ledger ledger, ActivityLog activity,
                              String identityAttribute, String teamAttribute) {
        this(writer, ledger, activity, identityAttribute, teamAttribute, "project");
    }

    /** {@code projectAttribute}: the resource or point attribute naming the project (null: none). */
    public TelemetryCollector(IngestWriter writer, Ledger ledger, ActivityLog activity,
                              String identityAttribute, String teamAttribute, String projectAttribute) {
        this.writer = writer;
        this.activity = activity;
        this.activitySink = new ActivitySink(activity);
        this.mapper = new TelemetryMapper(identityAttribute, teamAttribute, projectAttribute);
        this.eventSessions.addAll(activity.eventSessions());
        this.tokens = new IngestTokenCheck(activity.ingestTokens());
    }

    /**
     * The person an ingest token belongs to; null when the request carries none. A token that is
     * not known, or revoked, fails with {@link SecurityException} (401) with the reason. Completes at
     * once for a token in memory; one not yet seen waits for the table's next re-read (off the
     * caller's thread, at most one a second), so a token created by another process works within
     * about a second while unknown tokens cannot make the server hammer its store.
     */
    public java.util.concurrent.CompletableFuture<String> personForToken(String token) {
        return tokens.person(token);
    }

    /** Re-reads the ingest tokens (blocking): a token revoked since is refused from now on. */
    public void reloadTokens() {
        tokens.reload();
    }

    public CompletableFuture<Outcome> logs(ExportLogsServiceRequest request, String tokenPerson) {
        Mapped m = mapper.logs(request, tokenPerson);
        // from now on this process skips the session's metric-derived usage; what is queued or stored
        // already is taken back by the ledger when the event records are written
        eventSessions.addAll(m.eventSessions);
        return record(m);
    }

    public CompletableFuture<Outcome> metrics(ExportMetricsServiceRequest request, String tokenPerson) {
        Mapped m = mapper.metrics(request, tokenPerson, tracker);
        m.usage.removeIf(e -> e.sessionId() != null && eventSessions.contains(ActivityLog.sessionKey(e.identity(), e.sessionId())));
        return record(m);
    }

    private CompletableFuture<Outcome> record(Mapped m) {
        m.usage.removeIf(e -> refused(m, Bounds.text(e))); // refused alone, like a value out of range
        m.activity.removeIf(a -> refused(m, Bounds.text(a)));
        Outcome busy = new Outcome(m.accepted, m.rejected, m.firstRejection, true);
        if (!activitySink.offer(m.activity)) return notAccepted(m, busy);
        List<CompletableFuture<Void>> accepted = new ArrayList<>(m.usage.size());
        for (UsageEvent e : m.usage) {
            CompletableFuture<Void> f = writer.offer(e);
            if (f == null) return notAccepted(m, busy); // resent records dedupe by id
            accepted.add(f);
        }
        Outcome done = new Outcome(m.accepted, m.rejected, m.firstRejection, false);
        // answer only once the records are in the spool: a 200 means they survive a crash
        return CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).thenApply(v -> done)
                .whenComplete((o, failed) -> {
                    if (failed != null) tracker.forget(m.series);
                });
    }

    private static boolean refused(Mapped m, String why) {
        if (why != null) m.refuseAccepted(why);
        return why != null;
    }

    /** The exporter retries the request: its cumulative points must count again then. */
    private CompletableFuture<Outcome> notAccepted(Mapped m, Outcome busy) {
        tracker.forget(m.series);
        return CompletableFuture.completedFuture(busy);
    }

    /** Waits until queued activity is written; usage has the writer's own flush. */
    public void flushActivity() {
        activitySink.flush();
    }

    @Override
    public void close() {
        activitySink.close();
        tokens.writeUsedOrWarn(); // the last ~10 s of token uses, not yet written by a refresh
    }
}
