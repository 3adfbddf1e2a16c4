package tally.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import tally.budget.BudgetGuard;
import tally.budget.CostBound;

import java.util.function.Consumer;

/**
 * Reserves what a request may cost against its budgets. Hard budgets reserve what the request can
 * really cost (its usage may dwarf its body); soft ones the body's estimate. A request queued behind
 * the one before it waits for that one to settle, but not longer than the upstream timeout.
 */
final class BudgetStep {
    private final Vertx vertx;
    private final BudgetGuard guard;
    private final WorstCase worstCase;
    private final long queueTimeoutMs;

    BudgetStep(Vertx vertx, BudgetGuard guard, WorstCase worstCase, long queueTimeoutMs) {
        this.vertx = vertx;
        this.guard = guard;
        this.worstCase = worstCase;
        this.queueTimeoutMs = queueTimeoutMs;
    }

    /**
     * Calls {@code decided} on this context with the request's admission: at once, or when a queued
     * request's turn comes ({@link BudgetGuard.Busy} if it did not come in time).
     */
    void reserve(MessageRequest r, Consumer<BudgetGuard.Admission> decided) {
        CostBound bound = guard.none() ? CostBound.NONE
                : worstCase.of(ApplicationProfiles.pricedAs(r.ctx, r.model), r.maxTokens, r.body, r.ctx.request().headers(), r.facts.inferenceGeo(), r.at, false,
                        r.wire == null ? null : r.wire.provider(), r.wire == null ? null : r.wire.region(r.ctx));
        if (bound.unpriced() != null && r.downgradedFrom != null) {
            bound = bound.unpricedAs(bound.unpriced() + " (this key's --downgrade-to model, used instead of '" + r.downgradedFrom
                    + "' since a soft budget passed its threshold)");
        }
        Context here = vertx.getOrCreateContext();
        long[] timer = {-1}; // a request decided later cancels its timeout (on a fleet, every hard-budget request is)
        BudgetGuard.Admission admission = guard.admit(r.caller.spender(r.project), bound,
                later -> here.runOnContext(v -> {
                    if (timer[0] >= 0) vertx.cancelTimer(timer[0]);
                    decided.accept(later);
                }));
        if (admission instanceof BudgetGuard.Queued q) {
            timer[0] = vertx.setTimer(queueTimeoutMs, t -> {
                if (guard.giveUp(q.ticket())) decided.accept(new BudgetGuard.Busy(q.message()));
            });
            return;
        }
        decided.accept(admission);
    }
}
