package tally.store;

import tally.core.Bounds;
import tally.core.TokenCounts;

/** One group of a usage answer: sums over the records in it. */
public record UsageRow(String key, long requests, long failed, TokenCounts tokens, long webSearches,
                       long costNanos, long unpriced) {

    public static UsageRow empty(String key) {
        return new UsageRow(key, 0, 0, TokenCounts.ZERO, 0, 0, 0);
    }

    public UsageRow plus(UsageRow o) {
        return new UsageRow(key, Bounds.add(requests, o.requests, "requests"), Bounds.add(failed, o.failed, "failed requests"),
                tokens.plus(o.tokens), Bounds.add(webSearches, o.webSearches, "web searches"),
                Bounds.add(costNanos, o.costNanos, "cost in nano-dollars"), Bounds.add(unpriced, o.unpriced, "unpriced requests"));
    }

    public UsageRow withKey(String k) {
        return new UsageRow(k, requests, failed, tokens, webSearches, costNanos, unpriced);
    }
}
