package tally.pricing;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The price of one request and how it was reached.
 *
 * @param modelId         the id as given
 * @param canonicalModel  the catalog's id, or the normalized id when unknown
 * @param known           the catalog has the model; when false the request is unpriced
 * @param provider        "anthropic", "bedrock" or "vertex": the id's spelling, else who served it
 * @param costNanos       total in nano-dollars; null when unpriced (never 0 for an unknown model)
 * @param breakdown       cost per part; null when unpriced
 * @param rates           the list (or long-context) rates used, before multipliers; null when unpriced
 * @param multiplier      batch × regional × fast × data residency, applied to every token class
 * @param batch           the batch discount was applied
 * @param longContext     the whole request was billed at the long-context tier
 * @param regionalPremium the cloud regional premium was applied (a Bedrock regional id, a Vertex regional location)
 * @param fastApplied     a fast-mode multiplier was applied (false when the model bills fast as standard)
 * @param dataResidency   the data-residency multiplier was applied
 * @param webSearchNanos  price of one web search
 * @param catalogVersion  the catalog that priced it
 */
public record Quote(
        String modelId,
        String canonicalModel,
        boolean known,
        String provider,
        Long costNanos,
        CostBreakdown breakdown,
        TokenRates rates,
        Ratio multiplier,
        boolean batch,
        boolean longContext,
        boolean regionalPremium,
        boolean fastApplied,
        boolean dataResidency,
        long webSearchNanos,
        String catalogVersion) {

    public boolean priced() {
        return costNanos != null;
    }

    /** The rate actually charged for a class, in nano-dollars per million tokens (exact), or null when unpriced. */
    public BigDecimal effectiveRate(TokenClass c) {
        if (rates == null) return null;
        BigDecimal r = BigDecimal.valueOf(rates.of(c)).multiply(BigDecimal.valueOf(multiplier.num()));
        try {
            return r.divide(BigDecimal.valueOf(multiplier.den()));
        } catch (ArithmeticException nonTerminating) {
            return r.divide(BigDecimal.valueOf(multiplier.den()), MathContext.DECIMAL64);
        }
    }
}
