package tally.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One priced usage record: the single shape every source is turned into before it reaches the
 * ledger. Prompts and responses never appear here.
 *
 * @param id           stable record id; writing the same id twice stores it once. An id always comes
 *                     with the same time: the ledger finds earlier copies by looking near that time
 * @param time         when the request happened (UTC)
 * @param source       which path reported it (decides precedence for a shared request id)
 * @param provider     "anthropic", "bedrock" or "vertex"
 * @param identity     the raw identity as the source saw it (person name, key fingerprint, email, ARN…);
 *                     resolved to a person through the alias table when read
 * @param team         team tag carried by the source (a key's team), or null
 * @param project      project tag, or null
 * @param sessionId    client session, or null
 * @param requestId    provider request id ({@code req_…}, Bedrock requestId), or null
 * @param model        canonical model id, the price catalog's key (or the normalized raw id if unknown)
 * @param modelId      the model id exactly as the source reported it
 * @param tokens       the five token classes
 * @param webSearches  billed web searches
 * @param batch        billed at the Message Batches discount
 * @param fast         fast mode ({@code speed:"fast"})
 * @param costNanos    cost in nano-dollars, or null when the model is unpriced
 * @param catalogVersion the price-catalog version that priced it, or null when unpriced
 * @param latencyMs    request latency, or null when unknown
 * @param status       HTTP status (200 for success)
 * @param counters     the cumulative counter points the tokens were counted from (telemetry metrics;
 *                     empty for every other source): the store applies them with the record
 * @param region       the cloud region the call ran in (a Bedrock region, a Vertex location), or null
 *                     (first-party Anthropic, or a source that does not know it)
 * @param inferenceGeo where the request was pinned to run ({@code inference_geo}: "us" is data residency,
 *                     priced higher on the models that charge for it), or null when not pinned or unknown
 */
public record UsageEvent(
        String id,
        Instant time,
        Source source,
        String provider,
        String identity,
        String team,
        String project,
        String sessionId,
        String requestId,
        String model,
        String modelId,
        TokenCounts tokens,
        long webSearches,
        boolean batch,
        boolean fast,
        Long costNanos,
        String catalogVersion,
        Long latencyMs,
        int status,
        java.util.List<CounterPoint> counters,
        String region,
        String inferenceGeo) {

    public UsageEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(identity, "identity");
        identity = AliasKeys.normal(identity); // one address, one identity: its aliases match whatever its case
        Objects.requireNonNull(tokens, "tokens");
        if (model == null) model = modelId;
        if (modelId == null) modelId = model;
        Objects.requireNonNull(model, "model");
        if (provider == null) provider = "anthropic";
        if (webSearches < 0) throw new IllegalArgumentException("web searches must not be negative");
        counters = counters == null ? java.util.List.of() : java.util.List.copyOf(counters);
        if (region != null && region.isBlank()) region = null;
        if (inferenceGeo != null && inferenceGeo.isBlank()) inferenceGeo = null;
    }

    public boolean priced() {
        return costNanos != null;
    }

    public boolean failed() {
        return status >= 400;
    }

    /** A copy carrying the price the catalog gave it. */
    public UsageEvent withPrice(String canonicalModel, Long costNanos, String catalogVersion) {
        return new UsageEvent(id, time, source, provider, identity, team, project, sessionId, requestId,
                canonicalModel, modelId, tokens, webSearches, batch, fast, costNanos, catalogVersion, latencyMs, status, counters, region, inferenceGeo);
    }

    /** A copy with corrected tokens and no price: it has to be priced again. */
    public UsageEvent withTokens(TokenCounts corrected) {
        return new UsageEvent(id, time, source, provider, identity, team, project, sessionId, requestId,
                model, modelId, corrected, webSearches, batch, fast, null, null, latencyMs, status, counters, region, inferenceGeo);
    }

    /** A builder for the many optional fields; sources set what they know. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String id;
        private Instant time;
        private Source source = Source.MANUAL;
        private String provider = "anthropic";
        private String identity;
        private String team;
        private String project;
        private String sessionId;
        private String requestId;
        private String model;
        private String modelId;
        private TokenCounts tokens = TokenCounts.ZERO;
        private long webSearches;
        private boolean batch;
        private boolean fast;
        private Long costNanos;
        private String catalogVersion;
        private Long latencyMs;
        private int status = 200;
        private java.util.List<CounterPoint> counters; // rare: only telemetry metrics carry them
        private String region;
        private String inferenceGeo;

        public Builder id(String v) { id = v; return this; }
        public Builder time(Instant v) { time = v; return this; }
        public Builder source(Source v) { source = v; return this; }
        public Builder provider(String v) { provider = v; return this; }
        public Builder identity(String v) { identity = v; return this; }
        public Builder team(String v) { team = v; return this; }
        public Builder project(String v) { project = v; return this; }
        public Builder sessionId(String v) { sessionId = v; return this; }
        public Builder requestId(String v) { requestId = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder modelId(String v) { modelId = v; return this; }
        public Builder tokens(TokenCounts v) { tokens = v; return this; }
        public Builder webSearches(long v) { webSearches = v; return this; }
        public Builder batch(boolean v) { batch = v; return this; }
        public Builder fast(boolean v) { fast = v; return this; }
        public Builder cost(Long nanos, String version) { costNanos = nanos; catalogVersion = version; return this; }
        public Builder latencyMs(Long v) { latencyMs = v; return this; }
        public Builder status(int v) { status = v; return this; }
        public Builder region(String v) { region = v; return this; }
        public Builder inferenceGeo(String v) { inferenceGeo = v; return this; }
        public Builder counter(CounterPoint v) {
            if (counters == null) counters = new java.util.ArrayList<>();
            counters.add(v);
            return this;
        }

        public UsageEvent build() {
            return new UsageEvent(id, time, source, provider, identity, team, project, sessionId, requestId,
                    model, modelId, tokens, webSearches, batch, fast, costNanos, catalogVersion, latencyMs, status, counters, region, inferenceGeo);
        }
    }
}
