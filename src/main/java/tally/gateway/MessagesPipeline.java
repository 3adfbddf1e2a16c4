package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import tally.budget.BudgetGuard;
import tally.core.Secrets;
import tally.core.UsageEvent;
import tally.pricing.PriceCatalog;

import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The steps of an authenticated POST /v1/messages (and of Bedrock's and Vertex's routes), in order: the key's policy → max_tokens bounds →
 * rate limit → budget reservation → forward → settle. A step that refuses ends the request with an
 * Anthropic-style error, recorded as a failed request first. Nothing here blocks the event loop.
 */
final class MessagesPipeline {
    private static final Logger LOG = Logger.getLogger(MessagesPipeline.class.getName());
    private final KeyPolicy keyPolicy;
    private final BudgetStep budget;
    private final PriceCatalog catalog;
    private final BudgetGuard guard;
    private final RateLimiter limiter;
    private final Recorder recorder;
    private final UpstreamClient upstream;
    private final Set<String> ownHeaders;

    MessagesPipeline(KeyPolicy keyPolicy, BudgetStep budget, PriceCatalog catalog, BudgetGuard guard,
                     RateLimiter limiter, Recorder recorder, UpstreamClient upstream, Set<String> ownHeaders) {
        this.keyPolicy = keyPolicy;
        this.budget = budget;
        this.catalog = catalog;
        this.guard = guard;
        this.limiter = limiter;
        this.recorder = recorder;
        this.upstream = upstream;
        this.ownHeaders = ownHeaders;
    }

    void handle(MessageRequest r) {
        Refusal no = keyPolicy.apply(r);
        if (no == null) no = maxTokensBound(r);
        if (no != null) {
            refuse(r, no);
            return;
        }
        limiter.check(r.caller).onComplete(ar -> {
            RateLimiter.Denied denied = ar.succeeded() ? ar.result() : null;
            if (denied != null) {
                refuse(r, new Refusal(429, "rate_limit_error", denied.message(), Long.toString(denied.retryAfterSeconds())));
                return;
            }
            budget.reserve(r, admission -> admitted(r, admission));
        });
    }

    /** Refuses max_tokens that is not a whole number in [0, 1e10], or more than the model can write (the catalog's limit). */
    private Refusal maxTokensBound(MessageRequest r) {
        String problem = r.facts.maxTokensProblem();
        if (problem == null && r.maxTokens != null) {
            long limit = catalog.maxOutputTokens(r.model);
            if (r.maxTokens > limit) {
                problem = r.facts.maxTokensField() + ": " + r.maxTokens + " > " + limit
                        + ", which is the maximum allowed number of output tokens for " + (r.model == null ? "this model" : r.model);
            }
        }
        return problem == null ? null : new Refusal(400, "invalid_request_error", problem);
    }

    /** Forwards an admitted request; answers one its budgets refused or that waited too long for its turn. */
    private void admitted(MessageRequest r, BudgetGuard.Admission admission) {
        if (admission instanceof BudgetGuard.Blocked b) {
            refuse(r, new Refusal(402, "billing_error", b.message()));
            return;
        }
        if (admission instanceof BudgetGuard.Busy b) {
            busy(r, b.message());
            return;
        }
        BudgetGuard.Reservation reservation = ((BudgetGuard.Admitted) admission).reservation();
        if (r.ctx.response().closed()) { // the client left while it waited for its turn
            guard.settle(reservation, 0L, 0);
            return;
        }
        forward(r, reservation);
    }

    /**
     * Relays the request upstream, metering a successful response as it streams; settles when the
     * exchange ends. A fault of ours before the exchange ends it (a 500, recorded) and settles the
     * reservation: an unsettled one would hold the budget's turn until a restart.
     */
    private void forward(MessageRequest r, BudgetGuard.Reservation reservation) {
        boolean[] settled = {false};
        Function<ProxyExchange.Result, Future<Void>> onDone = done -> {
            if (settled[0]) return Future.succeededFuture();
            settled[0] = true;
            return settle(r, reservation, done);
        };
        try {
            if (r.wire != null) {
                r.wire.forward(r.ctx, r.caller, r.model, r.body, onDone);
                return;
            }
            HttpServerRequest req = r.ctx.request();
            new ProxyExchange(upstream, req, r.body, Gateway.upstreamHeaders(req, r.caller, true, ownHeaders),
                    MessagesPipeline::tapFor, true, onDone).start();
        } catch (RuntimeException fault) {
            LOG.log(Level.SEVERE, "gateway: cannot forward " + r.ctx.request().path(), fault);
            onDone.apply(new ProxyExchange.Result(500, null, null, 0));
            ApiErrors.send(r.ctx.request(), 500, "api_error", "the gateway could not forward this request");
        }
    }

    private static UsageTap tapFor(HttpClientResponse up) {
        return UsageTap.forAnswer(up, UsageTap::forContentType);
    }

    /**
     * Records the exchange, settles its reservation at the real cost and charges its tokens to the
     * rate limit. The returned future is when the record is durable: the response's last bytes wait for it.
     */
    private Future<Void> settle(MessageRequest r, BudgetGuard.Reservation reservation, ProxyExchange.Result done) {
        MessageUsage u = done.tap() == null ? null : done.tap().usage;
        Recorder.Recorded rec;
        try {
            rec = recorder.recordDurably(new Recorder.Facts(recordId(done.requestId()), r.at, r.caller,
                    r.model, r.session, done.requestId(), done.latencyNanos() / 1_000_000, done.status(), false, r.project)
                    .on(r.wire, r.ctx).pinned(r.facts.inferenceGeo()), u);
        } catch (RuntimeException fault) { // the turn is given back whatever happened to the record
            LOG.log(Level.SEVERE, "gateway: cannot record " + r.ctx.request().path(), fault);
            guard.settle(reservation, 0L, 0);
            return Future.succeededFuture();
        }
        UsageEvent e = rec.event();
        guard.settle(reservation, e.costNanos(), e.tokens().total());
        limiter.spend(r.caller, e.tokens().total() - e.tokens().cacheRead());
        return rec.durable();
    }

    /** A request whose turn on a budget did not come in time: retry, the budget is not exhausted. */
    private void busy(MessageRequest r, String message) {
        if (r.ctx.response().closed()) return;
        refuse(r, new Refusal(429, "rate_limit_error", message, "1"));
    }

    /** Records a request the gateway will not forward as a failed request with no usage, then answers it once that is durable. */
    private void refuse(MessageRequest r, Refusal no) {
        if (no.retryAfter() != null) r.ctx.response().putHeader("retry-after", no.retryAfter());
        recorder.recordDurably(new Recorder.Facts(recordId(null), r.at, r.caller, r.model, r.session, null, 0, no.status(), false, r.project).on(r.wire, r.ctx), null)
                .durable().onComplete(v -> {
                    if (!r.ctx.response().closed()) ApiErrors.send(r.ctx.request(), no.status(), no.type(), no.message());
                });
    }

    private static String recordId(String requestId) {
        return requestId != null ? "gw_" + requestId : "gw_" + Secrets.randomHex(12);
    }
}
