package tally.pricing;

import java.time.Instant;
import java.util.List;

/**
 * One model in the catalog: its list prices over time and the rules that change them.
 *
 * @param id                     canonical model id (lower case), the ledger's model key
 * @param name                   display name, e.g. "Claude Sonnet 4.5"
 * @param aliases                other ids that mean this model (already normalized)
 * @param prices                 list prices over time; before the first row the first row applies
 * @param longContext            whole-request premium tiers over time (empty = none)
 * @param fast                   fast-mode multipliers over time (empty = fast mode bills standard)
 * @param bedrockRegionalPremium multiplier for Bedrock regional/in-region ids and Vertex regional locations,
 *                               or null when list price
 * @param dataResidency          multiplier when a first-party request pins a specific {@code inference_geo}, or null
 * @param context                the largest prompt one request can send (bounds a request's worst-case cost)
 */
public record ModelPrice(
        String id,
        String name,
        List<String> aliases,
        Schedule<TokenRates> prices,
        Schedule<LongContextTier> longContext,
        Schedule<Ratio> fast,
        Ratio bedrockRegionalPremium,
        Ratio dataResidency,
        ContextWindow context) {

    public ModelPrice {
        aliases = List.copyOf(aliases);
        if (prices.isEmpty()) throw new IllegalArgumentException("model '" + id + "' has no price rows");
    }

    /** The list rates in force at {@code t}. */
    public TokenRates ratesAt(Instant t) {
        return prices.atOrFirst(t);
    }

    /** The long-context tier in force at {@code t}, or null. */
    public LongContextTier longContextAt(Instant t) {
        return longContext.at(t);
    }

    /** The fast-mode multiplier in force at {@code t}, or null when fast mode bills standard. */
    public Ratio fastAt(Instant t) {
        return fast.at(t);
    }

    ModelPrice withAliases(List<String> newAliases) {
        return new ModelPrice(id, name, newAliases, prices, longContext, fast, bedrockRegionalPremium, dataResidency, context);
    }
}
