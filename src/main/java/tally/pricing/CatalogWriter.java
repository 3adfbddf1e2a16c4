package tally.pricing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * A catalog as JSON in the same shape {@link CatalogReader} reads, so a listing can be edited and
 * used as an override file: every field is written, so reading the listing gives the same catalog.
 */
public final class CatalogWriter {

    private CatalogWriter() {}

    public static ObjectNode toJson(PriceCatalog catalog) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("version", catalog.version());
        root.put("web_search_per_1000", Nanos.toDecimal(catalog.webSearchNanos() * 1000));
        root.put("batch_multiplier", catalog.batchMultiplier().toDecimal());
        root.set("max_output_tokens", outputLimits(catalog));
        ArrayNode models = root.putArray("models");
        for (ModelPrice m : catalog.models()) models.add(model(m));
        return root;
    }

    /** Each model's output limit in the catalog's model order, then any others by id, then "default". */
    static ObjectNode outputLimits(PriceCatalog catalog) {
        Map<String, Long> limits = new TreeMap<>(catalog.outputLimits());
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        for (ModelPrice m : catalog.models()) {
            Long limit = limits.remove(m.id());
            if (limit != null) n.put(m.id(), limit);
        }
        Long fallback = limits.remove("default");
        limits.forEach(n::put);
        if (fallback != null) n.put("default", fallback);
        return n;
    }

    static ObjectNode model(ModelPrice m) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", m.id());
        n.put("name", m.name());
        ArrayNode aliases = n.putArray("aliases");
        m.aliases().forEach(aliases::add);
        ArrayNode prices = n.putArray("prices");
        for (Dated<TokenRates> row : m.prices().rows()) {
            ObjectNode r = prices.addObject();
            putDate(r, "from", row.from());
            putRates(r, row.value());
        }
        ArrayNode tiers = n.putArray("long_context");
        for (Dated<LongContextTier> row : m.longContext().rows()) {
            ObjectNode r = tiers.addObject();
            putDate(r, "from", row.from());
            putDate(r, "until", row.until());
            r.put("above", row.value().above());
            putRates(r, row.value().rates());
        }
        ArrayNode fast = n.putArray("fast");
        for (Dated<Ratio> row : m.fast().rows()) {
            ObjectNode r = fast.addObject();
            putDate(r, "from", row.from());
            putDate(r, "until", row.until());
            r.put("multiplier", row.value().toDecimal());
        }
        putRatio(n, "bedrock_regional_premium", m.bedrockRegionalPremium());
        putRatio(n, "data_residency", m.dataResidency());
        n.put("context_window", m.context().tokens());
        n.put("context_window_beta", m.context().withBeta());
        return n;
    }

    /** "2026-02-08" for a UTC midnight, else the full instant. */
    public static String date(Instant t) {
        if (t.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return t.atOffset(ZoneOffset.UTC).toLocalDate().toString();
        }
        return t.toString();
    }

    /** Nano-dollars per million tokens as USD per million: "3.00", "0.125". */
    public static String usdPerMillion(long nanosPerMillion) {
        return Nanos.toDecimal(nanosPerMillion);
    }

    private static void putRates(ObjectNode r, TokenRates rates) {
        for (TokenClass c : TokenClass.values()) r.put(c.key(), usdPerMillion(rates.of(c)));
    }

    private static void putDate(ObjectNode r, String key, Instant t) {
        if (t != null) r.put(key, date(t));
    }

    private static void putRatio(ObjectNode n, String key, Ratio r) {
        if (r == null) n.putNull(key);
        else n.put(key, r.toDecimal());
    }
}
