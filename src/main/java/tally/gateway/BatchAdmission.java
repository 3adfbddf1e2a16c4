package tally.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import tally.budget.BudgetGuard;
import tally.budget.CostBound;
import tally.pricing.PriceCatalog;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Message Batch create request checked as its requests would be on /v1/messages: each request's
 * model against the key's allow-list (403 naming it and its custom_id), its max_tokens within bounds
 * (400) and clamped to the key's cap (the body is rewritten, that request's params only), and the
 * batch's worst case — every request's at the batch price — against the caller's hard budgets (402).
 * The batch reserves nothing: it runs upstream for up to a day, and its results count when they are fetched.
 */
final class BatchAdmission {
    /** What to forward, or the refusal to answer instead (then {@code body} is null). */
    record Decision(Buffer body, Refusal refusal) {}

    private final PriceCatalog catalog;
    private final KeyPolicy policy;
    private final BudgetGuard guard;
    private final WorstCase worstCase;

    BatchAdmission(PriceCatalog catalog, KeyPolicy policy, BudgetGuard guard, WorstCase worstCase) {
        this.catalog = catalog;
        this.policy = policy;
        this.guard = guard;
        this.worstCase = worstCase;
    }

    /** Blocking for a large body (it reads every request): call off the event loop. */
    Decision check(Caller caller, Buffer body, MultiMap headers, String project, Instant at) {
        BatchScan.Result scan = BatchScan.read(body);
        if (scan.problem() != null) return refuse(new Refusal(400, "invalid_request_error", scan.problem()));
        VirtualKey key = caller.key();
        Long cap = key == null ? null : key.maxTokens();
        Map<Integer, Buffer> rewritten = new HashMap<>();
        CostBound bound = null;
        for (BatchScan.Item item : scan.items()) {
            Buffer params = body.slice(item.start(), item.end());
            RequestFacts f = RequestFacts.read(params);
            String where = item.named() + ": ";
            Refusal no = policy.notAllowed(key, f.model(), where);
            if (no == null && f.maxTokensProblem() != null) no = new Refusal(400, "invalid_request_error", where + f.maxTokensProblem());
            if (no != null) return refuse(no);
            Long max = f.maxTokens();
            if (cap != null && max != null && max > cap) {
                params = RequestFacts.rewrite(params, null, cap);
                rewritten.put(item.index(), params);
                max = cap;
            }
            if (max != null && max > catalog.maxOutputTokens(f.model())) {
                return refuse(new Refusal(400, "invalid_request_error", where + "max_tokens: " + max + " > " + catalog.maxOutputTokens(f.model())
                        + ", which is the maximum allowed number of output tokens for " + (f.model() == null ? "this model" : f.model())));
            }
            if (!guard.none()) {
                CostBound b = named(worstCase.of(f.model(), max, params, headers, f.inferenceGeo(), at, true), item);
                bound = bound == null ? b : bound.plus(b);
            }
        }
        BudgetGuard.Blocked blocked = bound == null ? null : guard.checkBatch(caller.spender(project), bound);
        if (blocked != null) return refuse(new Refusal(402, "billing_error", blocked.message()));
        return new Decision(rewritten.isEmpty() ? body : splice(body, scan.items(), rewritten), null);
    }

    private static CostBound named(CostBound b, BatchScan.Item item) {
        return b.unpriced() == null ? b : b.unpricedAs(b.unpriced() + " in " + item.named());
    }

    private static Decision refuse(Refusal no) {
        return new Decision(null, no);
    }

    /** The body with the rewritten requests' params in place of theirs; every other byte as the client sent it. */
    private static Buffer splice(Buffer body, List<BatchScan.Item> items, Map<Integer, Buffer> rewritten) {
        Buffer out = Buffer.buffer(body.length() + 64);
        int at = 0;
        for (BatchScan.Item i : items) {
            Buffer params = rewritten.get(i.index());
            if (params == null) continue;
            out.appendBuffer(body, at, i.start() - at).appendBuffer(params);
            at = i.end();
        }
        return out.appendBuffer(body, at, body.length() - at);
    }
}
