package tally.pricing;

import tally.core.Nanos;
import tally.core.TokenCounts;

import java.math.BigInteger;
import java.math.RoundingMode;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The arithmetic of one request's price. Every token class is priced as
 * tokens × rate × (product of multipliers), kept exact as integers and rounded half-up once.
 */
final class Pricer {

    /** Vertex's location without a regional premium. */
    private static final String GLOBAL_LOCATION = "global";

    private Pricer() {}

    static Quote quote(PriceRequest r, ResolvedModel m, String version, long webSearchNanos, Ratio batchDiscount) {
        if (!m.known()) {
            return new Quote(r.modelId(), m.canonicalId(), false, providerOf(r, m), null, null, null, Ratio.ONE,
                    r.batch(), false, false, false, false, webSearchNanos, version);
        }
        ModelPrice model = m.model();
        TokenCounts t = r.tokens();

        TokenRates rates = model.ratesAt(r.at());
        LongContextTier tier = model.longContextAt(r.at());
        // The whole request moves to the premium tier, decided by this one request's prompt size.
        boolean longContext = tier != null && tier.appliesTo(t.totalInput());
        if (longContext) rates = tier.rates();

        String provider = providerOf(r, m);
        Ratio multiplier = Ratio.ONE;
        if (r.batch()) multiplier = multiplier.times(batchDiscount);
        boolean regional = regional(provider, r, m);
        if (regional) multiplier = multiplier.times(model.bedrockRegionalPremium());
        Ratio fast = r.fast() ? model.fastAt(r.at()) : null;
        if (fast != null && fast.isOne()) fast = null; // no multiplier in force: fast bills standard
        if (fast != null) multiplier = multiplier.times(fast);
        // data residency is the Messages API's own price; a cloud prices where it runs by profile or location
        boolean residency = provider.equals(ModelIds.ANTHROPIC) && r.pinsGeo() && model.dataResidency() != null;
        if (residency) multiplier = multiplier.times(model.dataResidency());

        CostBreakdown b = new CostBreakdown(
                cost(t.input(), rates.input(), multiplier),
                cost(t.cacheWrite5m(), rates.cacheWrite5m(), multiplier),
                cost(t.cacheWrite1h(), rates.cacheWrite1h(), multiplier),
                cost(t.cacheRead(), rates.cacheRead(), multiplier),
                cost(t.output(), rates.output(), multiplier),
                Math.multiplyExact(r.webSearches(), webSearchNanos));
        return new Quote(r.modelId(), model.id(), true, provider, b.total(), b, rates, multiplier,
                r.batch(), longContext, regional, fast != null, residency, webSearchNanos, version);
    }

    /** An id spelt for Bedrock or Vertex names its provider; a first-party spelling is whoever served it. */
    private static String providerOf(PriceRequest r, ResolvedModel m) {
        if (!m.provider().equals(ModelIds.ANTHROPIC)) return m.provider();
        String p = r.provider() == null ? "" : r.provider().trim().toLowerCase(Locale.ROOT);
        return p.equals(ModelIds.BEDROCK) || p.equals(ModelIds.VERTEX) ? p : ModelIds.ANTHROPIC;
    }

    /**
     * The cloud regional premium, on the models that carry it: on Bedrock the id says where the call
     * ran (a regional profile, a bare or foundation-model id); on Vertex the location does (any but
     * {@code global}, multi-regions like {@code us} and {@code eu} included). An unknown location is
     * not guessed at.
     */
    private static boolean regional(String provider, PriceRequest r, ResolvedModel m) {
        if (m.model().bedrockRegionalPremium() == null) return false;
        if (provider.equals(ModelIds.BEDROCK)) return m.regionalPremium();
        if (!provider.equals(ModelIds.VERTEX) || r.region() == null || r.region().isBlank()) return false;
        return !r.region().trim().equalsIgnoreCase(GLOBAL_LOCATION);
    }

    /**
     * tokens × ratePerMillion × m.num / (1,000,000 × m.den), rounded half-up. Plain long arithmetic
     * when nothing overflows (the hot path); otherwise the same result through {@link Nanos#scale}.
     */
    static long cost(long tokens, long ratePerMillion, Ratio m) {
        if (tokens == 0 || ratePerMillion == 0) return 0;
        long rateNum = ratePerMillion * m.num();
        long den = TokenRates.TOKENS_PER_UNIT * m.den();
        if (fits(ratePerMillion, m.num(), rateNum) && fits(TokenRates.TOKENS_PER_UNIT, m.den(), den)) {
            long product = tokens * rateNum;
            if (fits(tokens, rateNum, product)) {
                long q = product / den;
                long rem = product % den;
                return rem >= den - rem ? q + 1 : q; // half-up, operands are non-negative
            }
            return Nanos.scale(tokens, rateNum, den);
        }
        BigInteger n = BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(ratePerMillion))
                .multiply(BigInteger.valueOf(m.num()));
        BigInteger d = BigInteger.valueOf(TokenRates.TOKENS_PER_UNIT).multiply(BigInteger.valueOf(m.den()));
        return new BigDecimal(n).divide(new BigDecimal(d), 0, RoundingMode.HALF_UP).longValueExact();
    }

    private static boolean fits(long a, long b, long product) {
        return Math.multiplyHigh(a, b) == 0 && product >= 0;
    }
}
