package tally.gateway;

import tally.budget.Budgets;
import tally.budget.BudgetGuard;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import tally.core.UsageEvent;
import tally.identity.People;
import tally.ingest.IngestWriter;
import tally.pricing.PriceCatalog;
import tally.store.Ledger;
import tally.store.Store;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The Anthropic-compatible metering proxy: its routes, and the steps every Messages request goes
 * through — authenticate, apply the key's policy, rate-limit, reserve against budgets, forward,
 * meter the response as it streams, record, settle.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());
    private static final long MESSAGES_BODY_LIMIT = 32L << 20; // Anthropic's own limit (docs/formats.md §1.5)
    /** The most the gateway reads of a body it holds (a batch) or drops (a refused upload). */
    static final long BATCH_BODY_LIMIT = 256L << 20;

    private final Vertx vertx;
    private final GatewayConfig config;
    private final IngestWriter writer;
    private final Clock clock;
    private final VirtualKeys keys;
    private final Budgets budgets;
    private final BudgetGuard guard;
    private final Directory directory;
    private final Authenticator auth;
    private final RateLimiter limiter;
    private final Recorder recorder;
    private final UpstreamClient upstream;
    private final MessagesPipeline pipeline;
    private final BatchAdmission batches;
    /** The request headers that are Tally's own (the trusted identity headers): never forwarded upstream. */
    private final Set<String> ownHeaders;
    private long refreshTimer = -1;
    private tally.budget.FleetBudgets fleet;
    private volatile ApplicationProfiles profiles = ApplicationProfiles.NONE;

    public Gateway(Vertx vertx, GatewayConfig config, Store store, Ledger ledger, IngestWriter writer,
                   PriceCatalog catalog, Clock clock) {
        this(vertx, config, store, ledger, writer, catalog, clock, new tally.metrics.GatewayLatency());
    }

    /** As above, reporting each request's latency to {@code latency} (the one {@code /metrics} reads). */
    public Gateway(Vertx vertx, GatewayConfig config, Store store, Ledger ledger, IngestWriter writer,
                   PriceCatalog catalog, Clock clock, tally.metrics.GatewayLatency latency) {
        this.vertx = vertx;
        this.config = config;
        this.writer = writer;
        this.clock = clock;
        this.keys = new VirtualKeys(store, clock);
        this.budgets = new Budgets(store, ledger);
        this.guard = new BudgetGuard(budgets, clock, config.zone());
        this.directory = new Directory(new People(store));
        this.auth = new Authenticator(keys, directory, config, vertx);
        this.limiter = new RateLimiter(config);
        this.recorder = new Recorder(writer, catalog, vertx, latency);
        this.upstream = new UpstreamClient(vertx, config.upstream(), config.upstreamTimeout());
        this.ownHeaders = ForwardHeaders.named(config.trustHeader(), config.trustTeamHeader());
        KeyPolicy policy = new KeyPolicy(catalog, guard);
        WorstCase worstCase = new WorstCase(catalog);
        this.pipeline = new MessagesPipeline(policy,
                new BudgetStep(vertx, guard, worstCase, config.upstreamTimeout().toMillis()),
                catalog, guard, limiter, recorder, upstream, ownHeaders);
        this.batches = new BatchAdmission(catalog, policy, guard, worstCase);
    }

    /**
     * Several replicas on one PostgreSQL: hard budgets and rate limits go through the store, so they
     * hold for the fleet. A replica's holds expire {@code holdTtl} after it stops renewing them (it died).
     * Call before {@link #start}.
     */
    public Gateway shareWithFleet(Store store, java.time.Duration holdTtl) {
        fleet = new tally.budget.FleetBudgets(store, budgets, config.zone(), holdTtl);
        guard.shareThrough(fleet);
        limiter.share(vertx, new tally.store.RateBuckets(store));
        return this;
    }

    /**
     * Calls on /bedrock through an application inference profile ARN are priced, budgeted and recorded
     * by the model the profile runs, looked up with {@code profiles}. Call before {@link #start}.
     */
    public Gateway resolveProfilesWith(ApplicationProfiles profiles) {
        this.profiles = profiles;
        return this;
    }

    /** Loads keys, people and budgets (blocking), then keeps them fresh in the background. */
    public Gateway start() {
        reload();
        long every = config.refreshEvery().toMillis();
        refreshTimer = vertx.setPeriodic(every, every, id -> vertx.executeBlocking(() -> {
            reload();
            return null;
        }, false).onFailure(t -> LOG.warning("gateway: refresh failed: " + t.getMessage())));
        return this;
    }

    /** Re-reads keys, people and budgets. Blocking; the CLI bridge calls it after each command. */
    public void reload() {
        keys.reload();
        directory.reload();
        guard.refresh(writer);
    }

    public BudgetGuard guard() {
        return guard;
    }

    /** Mounts the gateway's routes. The catch-all for other {@code /v1/*} paths goes last, after every other part's routes. */
    public void mount(Router router) {
        router.head("/").handler(ctx -> ctx.response().setStatusCode(200).end());
        // A client whose base URL ends in /v1 (…:4318/v1) asks for /v1/v1/messages: serve it as /v1/messages.
        router.route("/v1/v1/*").handler(ctx -> ctx.reroute(ctx.request().method(), ctx.request().uri().substring("/v1".length())));
        router.post("/v1/messages").handler(BodyHandler.create(false).setBodyLimit(MESSAGES_BODY_LIMIT)).handler(this::messages);
        router.post("/v1/messages/count_tokens").handler(BodyHandler.create(false).setBodyLimit(MESSAGES_BODY_LIMIT))
                .handler(this::passOn);
        router.post("/v1/messages/batches").handler(BodyHandler.create(false).setBodyLimit(BATCH_BODY_LIMIT)).handler(this::createBatch);
        router.get("/v1/messages/batches/:id/results").handler(this::batchResults);
        // A multipart body (a Files API upload, up to 500 MB upstream) streams through as sent, never held
        // whole: the body handler would decode it into parts and keep none of its bytes.
        router.route("/v1/*").consumes("multipart/*").last().handler(ctx -> otherV1(ctx, true));
        router.route("/v1/*").last().handler(BodyHandler.create(false).setBodyLimit(BATCH_BODY_LIMIT)).handler(ctx -> otherV1(ctx, false));
    }

    // ---------------------------------------------------------------- POST /v1/messages

    /** Runs a cloud route's request (Bedrock, Vertex) through the same steps as /v1/messages. */
    void admit(RoutingContext ctx, Wire wire) {
        String refused = wire.refusal(ctx);
        if (refused != null) {
            ApiErrors.send(ctx.request(), 400, "invalid_request_error", refused);
            return;
        }
        ctx.put(Wire.CONTEXT_KEY, wire);
        messages(ctx);
    }

    /** Who a cloud route's side request (e.g. an inference-profile lookup) is from; fails for anyone without a key. */
    io.vertx.core.Future<Caller> caller(MultiMap headers) {
        return auth.authenticate(headers, false);
    }

    /** The server's own Anthropic key, which a cloud route must not mistake for a developer's credential. */
    String upstreamKey() {
        return config.upstreamKey();
    }

    /** Authenticates, then hands the request to the pipeline's steps (see {@link MessagesPipeline}). */
    private void messages(RoutingContext ctx) {
        if (unreadableBody(ctx)) return;
        Instant at = clock.instant();
        Buffer original = body(ctx);
        auth.authenticate(ctx.request().headers(), Wire.of(ctx) == null).onComplete(ar -> {
            if (ar.failed()) {
                rejected(ctx, ar.cause());
                return;
            }
            MessageRequest r = new MessageRequest(ctx, ar.result(), at, original);
            if (r.wire == null || !"bedrock".equals(r.wire.provider())) {
                pipeline.handle(r);
                return;
            }
            profiles.resolve(ctx, r.model).onComplete(v -> pipeline.handle(r));
        });
    }

    // ---------------------------------------------------------------- batches

    /**
     * A batch is checked as its requests would be on /v1/messages ({@link BatchAdmission}: the key's
     * models and max_tokens cap, the caller's hard budgets), off the event loop as its body may be
     * large, then forwarded (rewritten where the key's cap clamped a request). Its results are metered when fetched.
     */
    private void createBatch(RoutingContext ctx) {
        if (unreadableBody(ctx)) return;
        HttpServerRequest req = ctx.request();
        Buffer body = body(ctx);
        Instant at = clock.instant();
        auth.authenticate(req.headers()).onComplete(ar -> {
            if (ar.failed()) {
                rejected(ctx, ar.cause());
                return;
            }
            Caller c = ar.result();
            vertx.executeBlocking(() -> batches.check(c, body, req.headers(), MessageRequest.projectOf(req, c), at), false)
                    .onComplete(checked -> {
                        if (checked.failed()) {
                            LOG.warning("gateway: cannot check a batch: " + checked.cause());
                            ApiErrors.send(req, 500, "api_error", "the gateway could not check this batch");
                            return;
                        }
                        BatchAdmission.Decision d = checked.result();
                        if (d.refusal() != null) {
                            ApiErrors.send(req, d.refusal().status(), d.refusal().type(), d.refusal().message());
                            return;
                        }
                        new ProxyExchange(upstream, req, d.body(), upstreamHeaders(req, c, false, ownHeaders), null, false,
                                r -> io.vertx.core.Future.succeededFuture()).start();
                    });
        });
    }

    /** Results pass through as they stream; once complete, each succeeded request is recorded at the batch price. */
    private void batchResults(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String batchId = ctx.pathParam("id");
        auth.authenticate(req.headers()).onComplete(ar -> {
            if (ar.failed()) {
                rejected(ctx, ar.cause());
                return;
            }
            Caller c = ar.result();
            MultiMap headers = upstreamHeaders(req, c, true, ownHeaders);
            new ProxyExchange(upstream, req, Buffer.buffer(), headers,
                    up -> up.statusCode() == 200 ? new BatchResultsTap() : null, false,
                    r -> {
                        if (r.status() != 200 || !(r.tap() instanceof BatchResultsTap t) || t.lines().isEmpty()) {
                            return io.vertx.core.Future.succeededFuture();
                        }
                        endedAt(batchId, headers).onComplete(when -> {
                            Instant at = when.succeeded() && when.result() != null ? when.result() : clock.instant();
                            for (BatchResultsTap.Line line : t.lines()) {
                                // One id per batch request, so fetching the results again records nothing new.
                                UsageEvent e = recorder.record(new Recorder.Facts("gwb_" + batchId + "_" + line.customId(), at, c,
                                        null, null, null, 0, 200, true), line.usage());
                                guard.record(c.spender(), e.costNanos(), e.tokens().total());
                            }
                        });
                        return io.vertx.core.Future.succeededFuture();
                    }).start();
        });
    }

    /**
     * When a batch ended, from the batch object: a stable time for its records (the ledger finds an
     * earlier copy of a record near its time, so the same results fetched twice are stored once).
     */
    private io.vertx.core.Future<Instant> endedAt(String batchId, MultiMap headers) {
        return upstream.open(HttpMethod.GET, "/v1/messages/batches/" + batchId).compose(r -> {
            r.headers().addAll(headers);
            return r.send();
        }).compose(HttpClientResponse::body).map(b -> {
            try {
                String ended = UsageTap.JSON.readTree(b.getBytes()).path("ended_at").asText(null);
                return ended == null ? null : Instant.parse(ended);
            } catch (Exception e) {
                return null;
            }
        });
    }

    // ---------------------------------------------------------------- everything else under /v1

    /**
     * Paths under /v1/messages other than the gateway's own routes (and batch status, list and
     * cancel), and the other APIs that run a model (Text Completions, the OpenAI-compatible chat
     * completions, the experimental prompt tools), would be billed past metering and budgets: refused, never forwarded.
     */
    private static final Pattern UNMETERED = Pattern.compile("^/v1/(messages|complete|chat|experimental).*");
    private static final Pattern BATCH_STATUS = Pattern.compile("^/v1/messages/batches(/[A-Za-z0-9_-]+(/cancel)?)?/?$");

    /** {@code streamed}: the body is not read yet; it goes to the upstream as it arrives, once the caller is known. */
    private void otherV1(RoutingContext ctx, boolean streamed) {
        if (streamed) ctx.request().pause(); // nothing read before the key is checked and the upstream is ready
        String path = ctx.normalizedPath();
        if (UNMETERED.matcher(path.toLowerCase(java.util.Locale.ROOT)).matches() && !BATCH_STATUS.matcher(path).matches()) {
            ApiErrors.send(ctx.request(), 404, "not_found_error", "the gateway does not forward " + ctx.request().method() + " "
                    + (path.length() > 200 ? path.substring(0, 200) + "…" : path)
                    + ": it could be billed without being metered (served: POST /v1/messages, /v1/messages/count_tokens, /v1/messages/batches…)");
            if (streamed) ProxyExchange.dropBody(ctx.request());
            return;
        }
        passOn(ctx, streamed);
    }

    /** count_tokens, models, batch status and any other /v1 path: authenticated and forwarded, never recorded. */
    private void passOn(RoutingContext ctx) {
        passOn(ctx, false);
    }

    /** {@code streamed}: the body goes on as it arrives (see {@link #streamedBody}) instead of as read already. */
    private void passOn(RoutingContext ctx, boolean streamed) {
        HttpServerRequest req = ctx.request();
        Buffer body = streamed ? null : body(ctx);
        auth.authenticate(req.headers()).onComplete(ar -> {
            if (ar.failed()) {
                rejected(ctx, ar.cause());
                if (streamed) ProxyExchange.dropBody(req);
                return;
            }
            MultiMap headers = upstreamHeaders(req, ar.result(), false, ownHeaders);
            if (streamed) streamedBody(req, headers);
            new ProxyExchange(upstream, req, body, headers, null, false, r -> io.vertx.core.Future.succeededFuture()).start();
        });
    }

    /**
     * A body streamed through keeps the length the client gave, if any; a client waiting for 100
     * Continue gets it once its key is accepted (a refused one never sends its body), and the upstream
     * is not asked to send one.
     */
    private static void streamedBody(HttpServerRequest req, MultiMap headers) {
        headers.remove("expect");
        String length = req.getHeader("content-length");
        if (length != null) headers.set("content-length", length);
        if ("100-continue".equalsIgnoreCase(req.getHeader("expect"))) req.response().writeContinue();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A request body in a content encoding (gzip, …) is refused with a 415: the gateway could read
     * neither its model nor its max_tokens, so neither a key's policy nor a budget could hold.
     */
    private static boolean unreadableBody(RoutingContext ctx) {
        String encoding = ctx.request().getHeader("content-encoding");
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) return false;
        ApiErrors.send(ctx.request(), 415, "invalid_request_error", "the request body is '" + encoding.trim()
                + "'-encoded (Content-Encoding), which the gateway does not read: send it uncompressed");
        return true;
    }

    private static Buffer body(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        return b == null ? Buffer.buffer() : b;
    }

    /** The request headers that are Tally's own, which a cloud route does not forward either. */
    Set<String> ownHeaders() {
        return ownHeaders;
    }

    static MultiMap upstreamHeaders(HttpServerRequest req, Caller c, boolean metered, Set<String> ownHeaders) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        ForwardHeaders.copyRequest(req.headers(), h, ownHeaders, metered);
        h.set(c.credentialName(), c.credentialValue());
        return h;
    }

    private static void rejected(RoutingContext ctx, Throwable cause) {
        if (cause instanceof Authenticator.Rejected) {
            ApiErrors.send(ctx.request(), 401, "authentication_error", cause.getMessage());
        } else {
            LOG.warning("gateway: cannot authenticate: " + cause);
            ApiErrors.send(ctx.request(), 500, "api_error", "the gateway could not check this key");
        }
    }

    @Override
    public void close() {
        if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
        upstream.close();
        if (fleet != null) fleet.close(); // after the server drained: settlements first, then the holds go
    }
}
