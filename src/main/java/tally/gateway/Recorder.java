package tally.gateway;

import io.vertx.core.Vertx;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.ingest.IngestWriter;
import tally.pricing.PriceCatalog;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Turns a finished exchange into a priced {@link UsageEvent} and hands it to the ingest writer
 * without waiting: {@code offer} when the queue has room, else {@code submit} on a worker thread,
 * so the event loop never blocks and no record is dropped.
 */
final class Recorder {
    private static final Logger LOG = Logger.getLogger(Recorder.class.getName());

    /** What a request was, besides its usage. */
    record Facts(String id, Instant at, Caller caller, String requestModel, String sessionId, String requestId,
                 long latencyMs, int status, boolean batch) {}

    private final IngestWriter writer;
    private final PriceCatalog catalog;
    private final Vertx vertx;

    Recorder(IngestWriter writer, PriceCatalog catalog, Vertx vertx) {
        this.writer = writer;
        this.catalog = catalog;
        this.vertx = vertx;
    }

    /** Prices and queues the record; returns it priced (cost null when the model is unpriced). */
    UsageEvent record(Facts f, MessageUsage usage) {
        String model = usage != null && usage.model() != null ? usage.model() : f.requestModel();
        UsageEvent e = UsageEvent.builder()
                .id(f.id())
                .time(f.at())
                .source(Source.GATEWAY)
                .provider("anthropic")
                .identity(f.caller().identity())
                .team(f.caller().team())
                .sessionId(f.sessionId())
                .requestId(f.requestId())
                .modelId(model == null || model.isBlank() ? "unknown" : model)
                .tokens(usage == null ? TokenCounts.ZERO : usage.tokens())
                .webSearches(usage == null ? 0 : usage.webSearches())
                .fast(usage != null && usage.fast())
                .batch(f.batch())
                .latencyMs(f.latencyMs())
                .status(f.status())
                .build();
        String refused = tally.core.Bounds.tokens(e.tokens());
        if (refused == null) refused = tally.core.Bounds.tokens("web_searches", e.webSearches());
        if (refused != null) { // upstream usage the ledger cannot hold: said loudly, never stored as 0 or summed
            LOG.severe("gateway: not recording " + e.id() + " (request " + e.requestId() + "): upstream usage " + refused);
            return UsageEvent.builder().id(e.id()).time(e.time()).source(Source.GATEWAY).identity(e.identity())
                    .modelId(e.modelId()).status(e.status()).build(); // for the caller's budget and rate limit; not stored
        }
        UsageEvent priced = catalog.price(e);
        tally.metrics.GatewayLatency.GLOBAL.observe(priced.model(), f.status(), f.latencyMs() * 1_000_000L);
        CompletableFuture<Void> queued = writer.offer(priced);
        if (queued == null) {
            // The writer's queue is full: wait for room on a worker, never on the event loop.
            vertx.executeBlocking(() -> writer.submit(priced), false)
                    .onFailure(t -> LOG.severe("gateway: could not queue record " + priced.id() + ": " + t));
        }
        return priced;
    }
}
