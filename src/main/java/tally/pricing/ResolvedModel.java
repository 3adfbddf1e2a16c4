package tally.pricing;

/**
 * A raw model id looked up in a catalog.
 *
 * @param canonicalId     the catalog's id, or the normalized id when the model is unknown
 * @param model           the catalog entry, or null when unknown
 * @param provider        "anthropic", "bedrock" or "vertex", read from the id's spelling
 * @param regionalPremium the Bedrock regional premium applies (regional id on an eligible model)
 */
public record ResolvedModel(String canonicalId, ModelPrice model, String provider, boolean regionalPremium) {

    public boolean known() {
        return model != null;
    }
}
