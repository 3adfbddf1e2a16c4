package tally.pricing;

import tally.core.TokenCounts;

import java.time.Instant;
import java.util.Objects;

/**
 * Everything that decides the price of one request.
 *
 * @param modelId      the model id as reported (any spelling {@link ModelIds} understands)
 * @param at           when the request happened; picks the prices in force
 * @param tokens       the five token classes of this one request
 * @param webSearches  billed web searches
 * @param batch        sent through the Message Batches API (50% off every token class)
 * @param fast         fast mode ({@code speed:"fast"})
 * @param inferenceGeo the request's {@code inference_geo}, or null; a pinned geo other than "global"
 *                     (and "not_available", what models without geographies report) costs the
 *                     data-residency multiplier on models that have one, on the first-party API only
 * @param provider     who served it ("anthropic", "bedrock", "vertex"), or null to go by the id's
 *                     spelling; an id spelt for Bedrock or Vertex names its provider whatever this says
 * @param region       the cloud region it ran in, or null when unknown; on Vertex a location other than
 *                     {@code global} costs the regional premium
 */
public record PriceRequest(String modelId, Instant at, TokenCounts tokens, long webSearches,
                           boolean batch, boolean fast, String inferenceGeo, String provider, String region) {

    /**
     * The {@code inference_geo} values a request may pin (the Messages API's {@code "global"} and
     * {@code "us"}); what a usage report says for models without geographies ({@code "not_available"})
     * is an answer, not something to ask for.
     */
    public static final java.util.List<String> GEOGRAPHIES = java.util.List.of("global", "us");

    public PriceRequest {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(tokens, "tokens");
        if (webSearches < 0) throw new IllegalArgumentException("web searches must not be negative");
    }

    /** A request whose provider is read from its id's spelling, its region unknown. */
    public PriceRequest(String modelId, Instant at, TokenCounts tokens, long webSearches,
                        boolean batch, boolean fast, String inferenceGeo) {
        this(modelId, at, tokens, webSearches, batch, fast, inferenceGeo, null, null);
    }

    /** A plain first-party request: no batch, no fast mode, no pinned geo. */
    public static PriceRequest of(String modelId, Instant at, TokenCounts tokens) {
        return new PriceRequest(modelId, at, tokens, 0, false, false, null);
    }

    public PriceRequest withTokens(TokenCounts t, long searches) {
        return new PriceRequest(modelId, at, t, searches, batch, fast, inferenceGeo, provider, region);
    }

    /** The same request served by {@code provider} in {@code region} (either null: unknown). */
    public PriceRequest on(String provider, String region) {
        return new PriceRequest(modelId, at, tokens, webSearches, batch, fast, inferenceGeo, provider, region);
    }

    /** Whether a request may pin this geography: one of {@link #GEOGRAPHIES}, in any case. */
    public static boolean knownGeography(String geo) {
        return geo != null && GEOGRAPHIES.contains(geo.trim().toLowerCase(java.util.Locale.ROOT));
    }

    boolean pinsGeo() {
        if (inferenceGeo == null || inferenceGeo.isBlank()) return false;
        String geo = inferenceGeo.trim();
        return !geo.equalsIgnoreCase("global") && !geo.equalsIgnoreCase("not_available");
    }
}
