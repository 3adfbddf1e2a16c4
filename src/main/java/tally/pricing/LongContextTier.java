package tally.pricing;

/**
 * Premium rates for a whole request whose prompt (input + cache writes + cache reads) is larger
 * than {@code above} tokens. Anthropic bills the entire request at these rates, not just the excess.
 */
public record LongContextTier(long above, TokenRates rates) {

    public boolean appliesTo(long totalInputTokens) {
        return totalInputTokens > above;
    }
}
