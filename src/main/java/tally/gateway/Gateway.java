package tally.gateway;

import tally.budget.Budgets;
import tally.budget.BudgetGuard;
import tally.budget.CostBound;
import tally.core.Secrets;

import io.vertx.core.Context;
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

/**
 * The Anthropic-compatible metering proxy: its routes, and the steps every Messages request goes
 * through — authenticate, apply the key's policy, rate-limit, reserve against budgets, forward,
 * meter the response as it streams, record, settle.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());
    private static final long MESSAGES_BODY_LIMIT = 32L << 20; // Anthropic's own limit (formats §1.5)
    private static final long BATCH_BODY_LIMIT = 256L << 20;

    private final Vertx vertx;
    private final GatewayConfig config;
    private final IngestWriter writer;
    private final PriceCatalog catalog;
    private final Clock clock;
    private final VirtualKeys keys;
    private final Budgets budgets;
    private final BudgetGuard guard;
    private final WorstCase worstCase;
    private final Directory directory;
    private final Authenticator auth;
    private final RateLimiter limiter;
    private final Recorder recorder;
    private final UpstreamClient upstream;
    private long refreshTimer = -1;

    public Gateway(Vertx vertx, GatewayConfig config, Store store, Ledger ledger, IngestWriter writer,
                   PriceCatalog catalog, Clock clock) {
        this.vertx = vertx;
        this.config = config;
        this.writer = writer;
        this.catalog = catalog;
        this.clock = clock;
        this.keys = new VirtualKeys(store, clock);
        this.budgets = new Budgets(store, ledger);
        this.guard = new BudgetGuard(budgets, clock, config.zone());
        this.worstCase = new WorstCase(catalog);
        this.directory = new Directory(new People(store));
        this.auth = new Authenticator(keys, directory, config, vertx);
        this.limiter = new RateLimiter(config);
        this.recorder = new Recorder(writer, catalog, vertx);
        this.upstream = new UpstreamClient(vertx, config.upstream(), config.upstreamTimeout());
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
        router.get("/v1/messages/batches/:id/results").handler(this::batchResults);
        router.route("/v1/*").last().handler(BodyHandler.create(false).setBodyLimit(BATCH_BODY_LIMIT)).handler(this::passOn);
    }

    // ---------------------------------------------------------------- POST /v1/messages

    /** Runs a cloud route's request (Bedrock, Vertex) through the same steps as /v1/messages. */
    void admit(RoutingContext ctx, Wire wire) {
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

    private void messages(RoutingContext ctx) {
        Instant at = clock.instant();
        HttpServerRequest req = ctx.request();
        Buffer original = body(ctx);
        Wire wire = Wire.of(ctx); // null on /v1/messages
        auth.authenticate(req.headers(), wire == null).onComplete(ar -> {
            if (ar.failed()) {
                rejected(ctx, ar.cause());
                return;
            }
            Caller c = ar.result();
            RequestFacts facts = RequestFacts.read(original);
            String model = wire == null ? facts.model() : wire.model(ctx);
            Long maxTokens = facts.maxTokens();
            Buffer body = original;
            String session = req.getHeader("x-claude-code-session-id");

            // Policy of a managed key: allow-list, max_tokens clamp, downgrade past a soft threshold.
            VirtualKey k = c.key();
            if (k != null) {
                if (!k.models().isEmpty() && !allowed(k, model)) {
                    refuse(ctx, c, at, model, session, 403, "permission_error",
                            "model '" + model + "' is not allowed for this key (allowed: " + String.join(", ", k.models()) + ")");
                    return;
                }
                String newModel = null;
                Long newMax = null;
                if (k.maxTokens() != null && maxTokens != null && maxTokens > k.maxTokens()) newMax = k.maxTokens();
                String downgrade = wire == null || k.downgradeModel() == null ? k.downgradeModel() : wire.sameProvider(model, k.downgradeModel());
                if (downgrade != null && !downgrade.equals(model) && guard.softPassed(c.spender())) newModel = downgrade;
                if (newModel != null || newMax != null) {
                    body = wire == null ? RequestFacts.rewrite(original, newModel, newMax) : wire.rewrite(original, newMax);
                    if (newModel != null) model = newModel;
                    if (newMax != null) maxTokens = newMax;
                }
            }

            String tooMany = maxTokensProblem(facts, model, maxTokens);
            if (tooMany != null) {
                refuse(ctx, c, at, model, session, 400, "invalid_request_error", tooMany);
                return;
            }

            RateLimiter.Denied denied = limiter.admit(c);
            if (denied != null) {
                ctx.response().putHeader("retry-after", Long.toString(denied.retryAfterSeconds()));
                refuse(ctx, c, at, model, session, 429, "rate_limit_error", denied.message());
                return;
            }

            // Hard budgets reserve what the request can really cost (its usage may dwarf its body); soft ones the body's estimate.
            CostBound bound = guard.none() ? CostBound.NONE
                    : worstCase.of(model, maxTokens, body, req.headers(), facts.inferenceGeo(), at);
            String requestModel = model;
            Buffer forwarded = body;
            Context here = vertx.getOrCreateContext();
            BudgetGuard.Admission admission = guard.admit(c.spender(), bound,
                    later -> here.runOnContext(v -> admitted(ctx, c, at, requestModel, session, forwarded, later)));
            if (admission instanceof BudgetGuard.Queued q) {
                // Its turn comes when the request before it settles; a client is not kept waiting forever.
                vertx.setTimer(config.upstreamTimeout().toMillis(), t -> {
                    if (guard.giveUp(q.ticket())) busy(ctx, c, at, requestModel, session, q.message());
                });
                return;
            }
            admitted(ctx, c, at, model, session, body, admission);
        });
    }

    /** Forwards an admitted request and settles its reservation when it ends; answers a refusal. */
    private void admitted(RoutingContext ctx, Caller c, Instant at, String model, String session, Buffer body,
                          BudgetGuard.Admission admission) {
        HttpServerRequest req = ctx.request();
        if (admission instanceof BudgetGuard.Blocked b) {
            refuse(ctx, c, at, model, session, 402, "billing_error", b.message());
            return;
        }
        if (admission instanceof BudgetGuard.Busy b) {
            busy(ctx, c, at, model, session, b.message());
            return;
        }
        BudgetGuard.Reservation reservation = ((BudgetGuard.Admitted) admission).reservation();
        if (ctx.response().closed()) { // the client left while it waited for its turn
            guard.settle(reservation, 0L, 0);
            return;
        }

        String requestModel = model;
        Wire wire = Wire.of(ctx);
        java.util.function.Function<ProxyExchange.Result, io.vertx.core.Future<Void>> done = r -> {
            MessageUsage u = r.tap() == null ? null : r.tap().usage;
            Recorder.Recorded rec = recorder.recordDurably(new Recorder.Facts(recordId(r.requestId()), at, c,
                    requestModel, session, r.requestId(), r.latencyNanos() / 1_000_000, r.status(), false).on(wire), u);
            UsageEvent e = rec.event();
            guard.settle(reservation, e.costNanos(), e.tokens().total());
            limiter.spend(c, e.tokens().total() - e.tokens().cacheRead());
            return rec.durable(); // the response's last bytes wait for this
        };
        if (wire != null) {
            wire.forward(ctx, c, requestModel, body, done);
            return;
        }
        new ProxyExchange(upstream, req, body, upstreamHeaders(req, c, true),
                up -> up.statusCode() < 400 ? UsageTap.forContentType(up.getHeader("content-type")) : null, true, done).start();
    }

    /** A request whose turn on a budget did not come in time: retry, the budget is not exhausted. */
    private void busy(RoutingContext ctx, Caller c, Instant at, String model, String session, String message) {
        if (ctx.response().closed()) return;
        ctx.response().putHeader("retry-after", "1");
        refuse(ctx, c, at, model, session, 429, "rate_limit_error", message);
    }

    /** Why max_tokens is refused: not a whole number in [0, 1e10], or more than the model can write (the catalog's limit). */
    private String maxTokensProblem(RequestFacts facts, String model, Long maxTokens) {
        if (facts.maxTokensProblem() != null) return facts.maxTokensProblem();
        if (maxTokens == null) return null;
        long limit = catalog.maxOutputTokens(model);
        return maxTokens <= limit ? null : "max_tokens: " + maxTokens + " > " + limit
                + ", which is the maximum allowed number of output tokens for " + (model == null ? "this model" : model);
    }

    private boolean allowed(VirtualKey k, String model) {
        if (model == null) return false;
        String want = catalog.resolve(model).canonicalId();
        for (String m : k.models()) {
            if (m.equals(model) || catalog.resolve(m).canonicalId().equals(want)) return true;
        }
        return false;
    }

    /** Records a request the gateway will not forward as a failed request with no usage, then answers it once that is durable. */
    private void refuse(RoutingContext ctx, Caller c, Instant at, String model, String session, int status, String type, String message) {
        recorder.recordDurably(new Recorder.Facts(recordId(null), at, c, model, session, null, 0, status, false).on(Wire.of(ctx)), null)
                .durable().onComplete(v -> {
                    if (!ctx.response().closed()) ApiErrors.send(ctx.response(), status, type, message);
                });
    }

    // ---------------------------------------------------------------- batches

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
            MultiMap headers = upstreamHeaders(req, c, true);
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

    /** count_tokens, models, batches and any other /v1 path: authenticated and forwarded, never recorded. */
    private void passOn(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Buffer body = body(ctx);
        auth.authenticate(req.headers()).onComplete(ar -> {
            if (ar.failed()) {
                rejected(ctx, ar.cause());
                return;
            }
            new ProxyExchange(upstream, req, body, upstreamHeaders(req, ar.result(), false), null, false,
                    r -> io.vertx.core.Future.succeededFuture()).start();
        });
    }

    // ---------------------------------------------------------------- helpers

    private static Buffer body(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        return b == null ? Buffer.buffer() : b;
    }

    private MultiMap upstreamHeaders(HttpServerRequest req, Caller c, boolean metered) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        ForwardHeaders.copyRequest(req.headers(), h, Set.of(), metered);
        h.set(c.credentialName(), c.credentialValue());
        return h;
    }

    private static void rejected(RoutingContext ctx, Throwable cause) {
        if (cause instanceof Authenticator.Rejected) {
            ApiErrors.unauthorized(ctx.response(), cause.getMessage());
        } else {
            LOG.warning("gateway: cannot authenticate: " + cause);
            ApiErrors.send(ctx.response(), 500, "api_error", "the gateway could not check this key");
        }
    }

    private static String recordId(String requestId) {
        return requestId != null ? "gw_" + requestId : "gw_" + Secrets.randomHex(12);
    }

    @Override
    public void close() {
        if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
        upstream.close();
    }
}
