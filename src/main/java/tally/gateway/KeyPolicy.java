package tally.gateway;

import tally.budget.BudgetGuard;
import tally.pricing.PriceCatalog;

/**
 * A managed key's policy on a request: its model allow-list, its max_tokens clamp, and its
 * downgrade to a cheaper model once a soft budget threshold is passed. Pass-through callers have none.
 */
final class KeyPolicy {
    private final PriceCatalog catalog;
    private final BudgetGuard guard;

    KeyPolicy(PriceCatalog catalog, BudgetGuard guard) {
        this.catalog = catalog;
        this.guard = guard;
    }

    /** Refuses a model the key does not allow; otherwise rewrites the request as the policy says and returns null. */
    Refusal apply(MessageRequest r) {
        VirtualKey k = r.caller.key();
        if (k == null) return null;
        Refusal notAllowed = notAllowed(k, r.model, "");
        if (notAllowed != null) return notAllowed;
        String newModel = null;
        Long newMax = null;
        if (k.maxTokens() != null && r.maxTokens != null && r.maxTokens > k.maxTokens()) newMax = k.maxTokens();
        String downgrade = r.wire == null || k.downgradeModel() == null ? k.downgradeModel()
                : r.wire.sameProvider(r.model, k.downgradeModel());
        if (downgrade != null && !downgrade.equals(r.model) && guard.softPassed(r.caller.spender(r.project))) {
            newModel = downgrade;
        }
        if (newModel != null || newMax != null) {
            r.body = r.wire == null ? RequestFacts.rewrite(r.body, newModel, newMax) : r.wire.rewrite(r.ctx, r.body, newMax);
            if (newModel != null) {
                r.downgradedFrom = r.model;
                r.model = newModel;
            }
            if (newMax != null) r.maxTokens = newMax;
        }
        return null;
    }

    /** 403 for a model the key does not allow ({@code where} prefixes the message, e.g. a batch request's custom_id); else null. */
    Refusal notAllowed(VirtualKey k, String model, String where) {
        if (k == null || k.models().isEmpty() || allowed(k, model)) return null;
        return new Refusal(403, "permission_error",
                where + "model '" + model + "' is not allowed for this key (allowed: " + String.join(", ", k.models()) + ")");
    }

    /** A model is allowed when it, or the model it resolves to, is on the key's list. */
    private boolean allowed(VirtualKey k, String model) {
        if (model == null) return false;
        String want = catalog.resolve(model).canonicalId();
        for (String m : k.models()) {
            if (m.equals(model) || catalog.resolve(m).canonicalId().equals(want)) return true;
        }
        return false;
    }
}
