package tally.store;

import tally.core.TokenCounts;

/** One group of a usage answer: sums over the records in it. */
public record UsageRow(String key, long requests, long failed, TokenCounts tokens, long webSearches,
                       long costNanos, long unpriced) {

    public static UsageRow empty(String key) {
        return new UsageRow(key, 0, 0, TokenCounts.ZERO, 0, 0, 0);
    }

    public UsageRow plus(UsageRow o) {
        return new UsageRow(key, requests + o.requests, failed + o.failed, tokens.plus(o.tokens),
                webSearches + o.webSearches, costNanos + o.costNanos, unpriced + o.unpriced);
    }

    public UsageRow withKey(String k) {
        return new UsageRow(k, requests, failed, tokens, webSearches, costNanos, unpriced);
    }
}
