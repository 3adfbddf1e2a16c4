package tally.gateway;

import tally.budget.CostBound;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import tally.core.TokenCounts;
import tally.pricing.ContextWindow;
import tally.pricing.PriceCatalog;
import tally.pricing.PriceRequest;
import tally.pricing.ResolvedModel;

import java.time.Instant;
import java.util.Locale;

/**
 * What a request can cost at most, from what it asks for rather than what its body holds: a body
 * can name files, images and PDFs by id or URL, turn on server tools or read a large cache, so its
 * size says little about its usage. Per sampling round the prompt is at most the model's context
 * window (the long-context beta's when the request asks for it), every token at the dearest input
 * class (1-hour cache write, long-context tier when the window crosses it), plus {@code max_tokens}
 * of output; server tools multiply the rounds and add their searches.
 */
final class WorstCase {
    private static final String LONG_CONTEXT_BETA = "context-1m";

    private final PriceCatalog catalog;

    WorstCase(PriceCatalog catalog) {
        this.catalog = catalog;
    }

    CostBound of(String model, Long maxTokens, Buffer body, MultiMap headers, String inferenceGeo, Instant at) {
        return of(model, maxTokens, body, headers, inferenceGeo, at, false);
    }

    /**
     * As above; {@code batch}: one request of a Message Batch, at the batch price. A model the catalog
     * cannot price reserves no dollars and says so ({@link CostBound#unpriced}), so a hard dollar
     * budget refuses it rather than let it through for free; a request naming no model is refused upstream.
     */
    CostBound of(String model, Long maxTokens, Buffer body, MultiMap headers, String inferenceGeo, Instant at, boolean batch) {
        return of(model, maxTokens, body, headers, inferenceGeo, at, batch, null, null);
    }

    /** As above, for a request a cloud {@code provider} serves in {@code region} (null, null: first-party). */
    CostBound of(String model, Long maxTokens, Buffer body, MultiMap headers, String inferenceGeo, Instant at, boolean batch,
                 String provider, String region) {
        // The body-based estimate, as before: soft budgets keep reserving it.
        long inEstimate = body.length();
        long outEstimate = maxTokens == null ? 0 : Math.max(0, maxTokens);
        Long estimate = catalog.quote(new PriceRequest(model, at, new TokenCounts(inEstimate, 0, 0, 0, outEstimate),
                0, batch, false, inferenceGeo, provider, region)).costNanos();
        ResolvedModel m = catalog.resolve(model);
        String unpriced = m.known() || model == null || model.isBlank() ? null : "model '" + model + "'";

        CostDrivers d = CostDrivers.read(body);
        if (maxTokens == null || maxTokens < 0 || !d.bounded()) {
            return new CostBound(estimate, inEstimate + outEstimate, CostBound.UNBOUNDED, CostBound.UNBOUNDED, unpriced);
        }
        ContextWindow w = m.known() ? m.model().context() : ContextWindow.STANDARD;
        long window = w.forRequest(asksLongContext(headers));
        try {
            long tokens = Math.multiplyExact(d.rounds(), Math.addExact(window, maxTokens));
            PriceRequest as = new PriceRequest(model, at, TokenCounts.ZERO, 0, batch, d.fast(), inferenceGeo, provider, region);
            long nanos = m.known() ? worstNanos(as, window, maxTokens, d) : 0;
            return new CostBound(estimate, inEstimate + outEstimate, nanos, tokens, unpriced);
        } catch (ArithmeticException tooLarge) {
            return new CostBound(estimate, inEstimate + outEstimate, CostBound.UNBOUNDED, CostBound.UNBOUNDED, unpriced);
        }
    }

    /** {@code as}: the request's model, time, batch, fast mode and geography; its tokens are replaced. */
    private long worstNanos(PriceRequest as, long window, long maxTokens, CostDrivers d) {
        long round = 0;
        TokenCounts[] dearest = {
                new TokenCounts(window, 0, 0, 0, maxTokens),
                new TokenCounts(0, window, 0, 0, maxTokens),
                new TokenCounts(0, 0, window, 0, maxTokens)};
        for (TokenCounts t : dearest) {
            Long c = catalog.quote(as.withTokens(t, 0)).costNanos();
            if (c != null) round = Math.max(round, c);
        }
        long searches = Math.multiplyExact(d.searches(), catalog.webSearchNanos());
        return Math.addExact(Math.multiplyExact(d.rounds(), round), searches);
    }

    /** Whether any {@code anthropic-beta} value (the header may repeat, each a comma list) is a context-1m beta. */
    static boolean asksLongContext(MultiMap headers) {
        for (String h : headers.getAll("anthropic-beta")) {
            for (String beta : h.split(",")) {
                if (beta.trim().toLowerCase(Locale.ROOT).startsWith(LONG_CONTEXT_BETA)) return true;
            }
        }
        return false;
    }
}
