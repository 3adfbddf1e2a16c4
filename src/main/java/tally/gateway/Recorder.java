package tally.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.ingest.IngestWriter;
import tally.pricing.PriceCatalog;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Turns a finished exchange into a priced {@link UsageEvent} and hands it to the ingest writer
 * without waiting: {@code offerDurable} when the queue has room, else {@code submitDurable} on a
 * worker thread, so the event loop never blocks and no record is dropped. The caller learns when the
 * record is on disk, and holds its answer's last bytes until then.
 */
final class Recorder {
    private static final Logger LOG = Logger.getLogger(Recorder.class.getName());

    /**
     * What a request was, besides its usage. A cloud provider's record is priced by the model id its
     * request named (a Bedrock profile carries the regional premium), not the one the answer reports.
     */
    record Facts(String id, Instant at, Caller caller, String requestModel, String sessionId, String requestId,
                 long latencyMs, int status, boolean batch, String project, String provider, String region,
                 String inferenceGeo) {
        Facts(String id, Instant at, Caller caller, String requestModel, String sessionId, String requestId,
              long latencyMs, int status, boolean batch, String project, String provider, String region) {
            this(id, at, caller, requestModel, sessionId, requestId, latencyMs, status, batch, project, provider, region, null);
        }

        Facts(String id, Instant at, Caller caller, String requestModel, String sessionId, String requestId,
              long latencyMs, int status, boolean batch) {
            this(id, at, caller, requestModel, sessionId, requestId, latencyMs, status, batch, null);
        }

        Facts(String id, Instant at, Caller caller, String requestModel, String sessionId, String requestId,
              long latencyMs, int status, boolean batch, String project) {
            this(id, at, caller, requestModel, sessionId, requestId, latencyMs, status, batch, project, "anthropic", null);
        }

        /**
         * The same facts for a request that came through a cloud route (null: /v1/messages), with its provider
         * and region, and by the model an application inference profile it named runs, when that is known.
         */
        Facts on(Wire wire, io.vertx.ext.web.RoutingContext ctx) {
            return wire == null ? this : new Facts(id, at, caller, ApplicationProfiles.pricedAs(ctx, requestModel), sessionId,
                    requestId, latencyMs, status, batch, project, wire.provider(), wire.region(ctx), inferenceGeo);
        }

        /** The same facts for a request pinned to run in a geography (its inference_geo; null: not pinned). */
        Facts pinned(String geo) {
            return new Facts(id, at, caller, requestModel, sessionId, requestId, latencyMs, status, batch, project, provider,
                    region, geo);
        }

        boolean cloud() {
            return !"anthropic".equals(provider);
        }
    }

    /** How long an answer waits for its record to reach the spool before it goes out regardless. */
    static final Duration DURABLE_WAIT = Duration.ofSeconds(10);

    private final IngestWriter writer;
    private final PriceCatalog catalog;
    private final Vertx vertx;
    private final tally.metrics.GatewayLatency latency;
    private final DurableWaits waits;

    Recorder(IngestWriter writer, PriceCatalog catalog, Vertx vertx, tally.metrics.GatewayLatency latency) {
        this.writer = writer;
        this.catalog = catalog;
        this.vertx = vertx;
        this.latency = latency;
        this.waits = new DurableWaits(vertx, DURABLE_WAIT, latency::spoolWait);
    }

    /** A priced record, and when it is durable: the moment its response's last bytes may go out. */
    record Recorded(UsageEvent event, Future<Void> durable) {}

    /** Prices and queues the record; returns it priced (cost null when the model is unpriced). */
    UsageEvent record(Facts f, MessageUsage usage) {
        return recordDurably(f, usage).event();
    }

    /**
     * Prices and queues the record without blocking. Its {@code durable} future completes on the
     * caller's context once the record is forced to the spool (or, if the spool cannot take it, after a
     * logged failure or {@link #DURABLE_WAIT}: a client is never held forever by the ledger).
     */
    Recorded recordDurably(Facts f, MessageUsage usage) {
        UsageEvent e = event(f, usage);
        // a count not read as a long at all, or a success's usage unread or missing; then the ledger's bounds
        String refused = usage != null ? usage.refusal(f.status()) : null;
        if (refused == null) refused = tally.core.Bounds.check(e, f.at()); // tokens and web searches; the time is the gateway's own
        if (refused != null) { // upstream usage the ledger cannot hold: said loudly and counted, never stored as 0 or summed
            LOG.severe("gateway: not recording " + e.id() + " (request " + e.requestId() + "): upstream usage " + refused);
            latency.refusedUsage();
            UsageEvent unstored = UsageEvent.builder().id(e.id()).time(e.time()).source(Source.GATEWAY)
                    .identity(e.identity()).modelId(e.modelId()).status(e.status()).build();
            return new Recorded(unstored, Future.succeededFuture()); // for the caller's budget and rate limit only
        }
        UsageEvent priced = catalog.price(e);
        latency.observe(priced.model(), f.status(), f.latencyMs() * 1_000_000L);
        CompletableFuture<Void> queued = writer.offerDurable(priced);
        if (queued != null) return new Recorded(priced, waits.await(queued, priced.id()));
        // The writer's queue is full: wait for room on a worker, never on the event loop.
        Context ctx = vertx.getOrCreateContext();
        long began = System.nanoTime(); // the wait for room is part of the answer's hold
        Future<Void> durable = vertx.executeBlocking(() -> writer.submitDurable(priced), false)
                .compose(cf -> waits.single(ctx, cf, priced.id(), began));
        return new Recorded(priced, durable);
    }

    private static UsageEvent event(Facts f, MessageUsage usage) {
        String model = f.cloud() && f.requestModel() != null ? f.requestModel()
                : usage != null && usage.model() != null ? usage.model() : f.requestModel();
        return UsageEvent.builder()
                .id(f.id())
                .time(f.at())
                .source(Source.GATEWAY)
                .provider(f.provider())
                .identity(f.caller().identity())
                .team(f.caller().team())
                .project(f.project())
                .region(f.region())
                .sessionId(f.sessionId())
                .requestId(f.requestId())
                .modelId(model == null || model.isBlank() ? "unknown" : model)
                .tokens(usage == null ? TokenCounts.ZERO : usage.tokens())
                .webSearches(usage == null ? 0 : usage.webSearches())
                .fast(usage != null && usage.fast())
                .batch(f.batch())
                // the answer's own word on where it ran wins: an organisation's default geography is in no request
                .inferenceGeo(usage != null && usage.inferenceGeo() != null ? usage.inferenceGeo() : f.inferenceGeo())
                .latencyMs(f.latencyMs())
                .status(f.status())
                .build();
    }
}
