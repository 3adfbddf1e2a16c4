package tally.pricing;

import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dated price list: which model an id means and what a request on it cost at the time. Immutable
 * and thread-safe; one instance prices every ingested record.
 */
public final class PriceCatalog {

    static final String BUNDLED_RESOURCE = "/pricing/catalog.json";

    /** Input, 5m writes, 1h writes, cache reads: the classes that make up a request's prompt. */
    private static final int PROMPT_CLASSES = 4;

    /** Ids come from clients too; stop remembering new spellings past this many. */
    private static final int RESOLVE_CACHE_LIMIT = 10_000;

    private final String version;
    private final long webSearchNanos;
    private final Ratio batchMultiplier;
    private final List<ModelPrice> models;
    private final Map<String, ModelPrice> byKey = new HashMap<>();
    private final ConcurrentHashMap<String, ResolvedModel> resolved = new ConcurrentHashMap<>();

    /** Output-token ceiling per canonical model id, with "default" for any other model. */
    private final Map<String, Long> outputLimits;
    /** For a model the catalog gives no limit: generous, since refusing a valid request is worse. */
    static final long DEFAULT_OUTPUT_LIMIT = 128_000;

    PriceCatalog(String version, long webSearchNanos, Ratio batchMultiplier, List<ModelPrice> models) {
        this(version, webSearchNanos, batchMultiplier, models, Map.of());
    }

    PriceCatalog(String version, long webSearchNanos, Ratio batchMultiplier, List<ModelPrice> models, Map<String, Long> outputLimits) {
        this.outputLimits = Map.copyOf(outputLimits);
        this.version = version;
        this.webSearchNanos = webSearchNanos;
        this.batchMultiplier = batchMultiplier;
        this.models = List.copyOf(models);
        for (ModelPrice m : this.models) {
            for (String alias : m.aliases()) byKey.put(alias, m);
        }
        for (ModelPrice m : this.models) byKey.put(m.id(), m); // an id always beats an alias
    }

    /** The catalog shipped in the jar. */
    public static PriceCatalog bundled() {
        return Bundled.CATALOG;
    }

    /** The bundled catalog with the user's override file laid over it; null means none. */
    public static PriceCatalog load(Path overrideFile) {
        if (overrideFile == null) return bundled();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(overrideFile);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file" : e.toString();
            throw new IllegalArgumentException(overrideFile + ": cannot read the price file (" + why + ")");
        }
        String version = bundled().version + "+" + shortHash(bytes);
        return CatalogReader.read(overrideFile.toString(), bytes, bundled(), version);
    }

    /** "2026-08-21", or "2026-08-21+3f9a0c1d" when an override file (identified by its hash) is loaded. */
    public String version() {
        return version;
    }

    public List<ModelPrice> models() {
        return models;
    }

    /** The model an id means, in any spelling, or null when unknown. */
    public ModelPrice model(String rawId) {
        return resolve(rawId).model();
    }

    /** Price of one web search, in nano-dollars. */
    public long webSearchNanos() {
        return webSearchNanos;
    }

    /** The Message Batches discount on every token class (1/2). */
    public Ratio batchMultiplier() {
        return batchMultiplier;
    }

    /** Normalizes and looks up an id; cached, since the same few ids arrive on every record. */
    public ResolvedModel resolve(String rawId) {
        if (rawId == null) return lookup(null);
        ResolvedModel r = resolved.get(rawId);
        if (r != null) return r;
        r = lookup(rawId);
        if (resolved.size() < RESOLVE_CACHE_LIMIT) resolved.putIfAbsent(rawId, r);
        return r;
    }

    private ResolvedModel lookup(String rawId) {
        ParsedModelId p = ModelIds.parse(rawId);
        ModelPrice m = p.id().isEmpty() ? null : byKey.get(p.id());
        if (m == null) return new ResolvedModel(p.id(), null, p.provider(), false);
        boolean premium = p.regionalProfile() && m.bedrockRegionalPremium() != null;
        return new ResolvedModel(m.id(), m, p.provider(), premium);
    }

    /** The price of one request. An unknown model gets a quote with a null cost: unpriced, never $0. */
    public Quote quote(PriceRequest r) {
        return Pricer.quote(r, resolve(r.modelId()), version, webSearchNanos, batchMultiplier);
    }

    /**
     * The price of {@code requests} equal requests that together used {@code totals}' tokens and
     * searches. Each request is priced alone, so the long-context tier is decided per request. Counts
     * that do not divide evenly give some requests one token more; the prompt classes' extra tokens
     * are dealt round in turn, one class after another, so no request's prompt (input + cache) is
     * more than the average prompt rounded up: an even split never crosses a tier the totals' average stays in.
     */
    public Estimate estimate(PriceRequest totals, long requests) {
        if (requests < 1) throw new IllegalArgumentException("requests must be at least 1");
        TokenCounts t = totals.tokens();
        long[] total = {t.input(), t.cacheWrite5m(), t.cacheWrite1h(), t.cacheRead(), t.output(), totals.webSearches()};
        long[] rem = new long[total.length];
        long[] from = new long[total.length]; // request i gets one more of class k when (i - from[k]) mod requests < rem[k]
        long next = 0;
        for (int k = 0; k < total.length; k++) {
            rem[k] = total[k] % requests;
            if (k < PROMPT_CLASSES) {
                from[k] = next;
                next = (next + rem[k]) % requests;
            }
        }
        // Between two cuts every request has the same shape: at most 10 distinct shapes.
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, requests));
        for (int k = 0; k < total.length; k++) {
            cuts.add(from[k]);
            cuts.add((from[k] + rem[k]) % requests);
        }
        List<Estimate.Part> parts = new ArrayList<>();
        Long lo = cuts.first();
        for (Long hi = cuts.higher(lo); hi != null; lo = hi, hi = cuts.higher(hi)) {
            long[] c = new long[total.length];
            for (int k = 0; k < total.length; k++) {
                c[k] = total[k] / requests + (Math.floorMod(lo - from[k], requests) < rem[k] ? 1 : 0);
            }
            PriceRequest one = totals.withTokens(new TokenCounts(c[0], c[1], c[2], c[3], c[4]), c[5]);
            parts.add(new Estimate.Part(hi - lo, quote(one)));
        }
        return new Estimate(requests, parts);
    }

    /**
     * The event carrying its price at its own time: canonical model, cost (null when unpriced) and the
     * catalog version that priced it (null when unpriced, so a later catalog can fill it in).
     */
    public UsageEvent price(UsageEvent e) {
        // a request that failed without using a token (refused, or before naming a model) billed nothing:
        // it costs 0, whatever model it named, known or not; it is not "unpriced"
        if (e.failed() && e.tokens().total() == 0 && e.webSearches() == 0) {
            return e.withPrice(noModel(e.modelId()) ? e.model() : resolve(e.modelId()).canonicalId(), 0L, version);
        }
        Quote q = Pricer.quote(new PriceRequest(e.modelId(), e.time(), e.tokens(), e.webSearches(), e.batch(),
                e.fast(), e.inferenceGeo(), e.provider(), e.region()), resolve(e.modelId()), version, webSearchNanos, batchMultiplier);
        return e.withPrice(q.canonicalModel(), q.costNanos(), q.priced() ? version : null);
    }

    /** The most output tokens a request to this model may ask for (the catalog's max_output_tokens). */
    public long maxOutputTokens(String rawModelId) {
        Long limit = rawModelId == null ? null : outputLimits.get(resolve(rawModelId).canonicalId());
        return limit != null ? limit : outputLimits.getOrDefault("default", DEFAULT_OUTPUT_LIMIT);
    }

    Map<String, Long> outputLimits() {
        return outputLimits;
    }

    /** What the sources record when a request named no model. */
    private static boolean noModel(String modelId) {
        return modelId == null || modelId.isBlank() || modelId.equals("unknown");
    }

    private static String shortHash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parsed on first use, once per JVM. */
    private static final class Bundled {
        static final PriceCatalog CATALOG = readBundled();

        private static PriceCatalog readBundled() {
            try (InputStream in = PriceCatalog.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) throw new IllegalStateException("bundled price catalog " + BUNDLED_RESOURCE + " is missing");
                return CatalogReader.read("catalog.json", in.readAllBytes(), null, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
