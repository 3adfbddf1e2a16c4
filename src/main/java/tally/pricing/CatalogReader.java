package tally.pricing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import tally.core.JsonTree;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a price file: the bundled catalog, or a user's override file laid over it. Strict, because a
 * typo in a price file silently mis-prices everything; every complaint names the file and the spot.
 *
 * <pre>
 * {
 *   "version": "2026-08-21",                 // bundled catalog only
 *   "web_search_per_1000": "10",             // USD per 1,000 searches (optional in overrides)
 *   "batch_multiplier": "0.5",               // optional in overrides
 *   "models": [{
 *     "id": "claude-sonnet-4-5-20250929",    // any spelling; an existing model (id or alias) is corrected
 *     "name": "Claude Sonnet 4.5",
 *     "aliases": ["claude-sonnet-4-5"],      // added to an existing model's aliases
 *     "prices": [{"from": "2025-09-29", "input": "3", "cache_write_5m": "3.75",
 *                 "cache_write_1h": "6", "cache_read": "0.30", "output": "15"}],
 *     "long_context": [{"from": …, "until": …, "above": 200000, "input": "6", …, "output": "22.50"}],
 *     "fast": [{"from": …, "until": …, "multiplier": "6"}],
 *     "bedrock_regional_premium": "1.1",     // or null
 *     "data_residency": "1.1",               // or null
 *     "context_window": 1000000,             // largest prompt; default 200000 (every Claude model)
 *     "context_window_beta": 1000000         // largest prompt with the context-1m beta; default context_window
 *   }]
 * }
 * </pre>
 * Prices are USD per million tokens as decimal strings (plain JSON numbers are accepted too), each a
 * whole number of nano-dollars per token: a multiple of 0.001. Omitted cache prices follow the
 * standard multipliers of input (1.25×, 2×, 0.1×) and must come out whole too. Dates are UTC days
 * ({@code 2026-02-08}) or instants; {@code until} is exclusive. Keys starting with "_" are comments.
 * In an override, each field given for an existing model replaces that field; others are kept.
 */
final class CatalogReader {

    private static final Set<String> TOP_KEYS = Set.of("version", "web_search_per_1000", "batch_multiplier", "models",
            "max_output_tokens");
    private static final Set<String> MODEL_KEYS = Set.of("id", "name", "aliases", "prices", "long_context", "fast",
            "bedrock_regional_premium", "data_residency", "context_window", "context_window_beta");
    private static final Set<String> RATE_KEYS = Set.of("from", "input", "cache_write_5m", "cache_write_1h",
            "cache_read", "output");
    private static final Set<String> TIER_KEYS = Set.of("from", "until", "above", "input", "cache_write_5m",
            "cache_write_1h", "cache_read", "output");
    private static final Set<String> FAST_KEYS = Set.of("from", "until", "multiplier");

    /** Beyond this a price is surely a unit mistake (per token instead of per million, cents…). */
    private static final BigDecimal MAX_USD_PER_MILLION = new BigDecimal("100000");
    private static final BigDecimal MAX_MULTIPLIER = new BigDecimal("1000");
    /** No model takes a prompt anywhere near this; beyond it a window is surely a typo. */
    private static final long MAX_CONTEXT_WINDOW = 100_000_000L;

    private final String source;

    private CatalogReader(String source) {
        this.source = source;
    }

    /**
     * Reads {@code json} named {@code source} in messages. With a null base it is a complete catalog
     * (whose own version is used); otherwise it is laid over base and the catalog gets {@code version}.
     */
    static PriceCatalog read(String source, byte[] json, PriceCatalog base, String version) {
        return new CatalogReader(source).read(json, base, version);
    }

    /** Top-level fields → the models listed (laid over base's) → their aliases settled → output limits. */
    private PriceCatalog read(byte[] bytes, PriceCatalog base, String version) {
        JsonNode root = parse(bytes);
        if (!root.isObject()) throw error("expected a JSON object with a \"models\" list");
        checkKeys(root, TOP_KEYS, "");
        if (base == null) version = ownVersion(root);
        long webSearchNanos = root.has("web_search_per_1000")
                ? perSearchNanos(root.get("web_search_per_1000"))
                : base != null ? base.webSearchNanos() : this.<Long>fail("\"web_search_per_1000\" is missing");
        Ratio batch = root.has("batch_multiplier")
                ? multiplier(root.get("batch_multiplier"), "batch_multiplier")
                : base != null ? base.batchMultiplier() : this.<Ratio>fail("\"batch_multiplier\" is missing");
        if (batch == null) batch = Ratio.ONE; // "1" or null: no batch discount

        JsonNode list = root.get("models");
        if (list == null || !list.isArray()) throw error("expected a \"models\" list");
        Map<String, String> claimedAliases = new HashMap<>();
        Map<String, ModelPrice> models = readModels(list, base, claimedAliases);
        List<ModelPrice> result = settleAliases(models, claimedAliases, batch);

        Map<String, Long> limits = new HashMap<>(base == null ? Map.of() : base.outputLimits());
        if (root.has("max_output_tokens")) limits.putAll(outputLimits(root.get("max_output_tokens")));
        return new PriceCatalog(version, webSearchNanos, batch, result, limits);
    }

    /** A complete catalog's own version. */
    private String ownVersion(JsonNode root) {
        JsonNode v = root.get("version");
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw error("\"version\" is missing");
        return v.asText().trim();
    }

    /**
     * Base's models (if any) with each listed model read over them, by canonical id; an existing model
     * is found by any of its spellings. Records in {@code claimedAliases} which model each alias was given to.
     */
    private Map<String, ModelPrice> readModels(JsonNode list, PriceCatalog base, Map<String, String> claimedAliases) {
        Map<String, ModelPrice> models = new LinkedHashMap<>();
        if (base != null) for (ModelPrice m : base.models()) models.put(m.id(), m);
        Set<String> listed = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            if (!node.isObject()) throw error("models[" + i + "]: expected an object");
            JsonNode idNode = node.get("id");
            if (idNode == null || !idNode.isTextual() || idNode.asText().isBlank()) {
                throw error("models[" + i + "]: \"id\" is missing");
            }
            String id = ModelIds.parse(idNode.asText()).id();
            ModelPrice existing = base == null ? null : base.model(idNode.asText());
            String targetId = existing != null ? existing.id() : id;
            String where = "model '" + idNode.asText() + "'";
            if (!listed.add(targetId)) throw error(where + ": listed twice");

            ModelPrice m = readModel(node, targetId, existing, where);
            for (String alias : aliases(node, where)) {
                String other = claimedAliases.putIfAbsent(alias, targetId);
                if (other != null && !other.equals(targetId)) {
                    throw error(where + ": alias '" + alias + "' is also listed by model '" + other + "'");
                }
            }
            models.put(targetId, m);
        }
        return models;
    }

    /** An alias this file gives a model is taken away from any model that had it before. */
    private List<ModelPrice> settleAliases(Map<String, ModelPrice> models, Map<String, String> claimedAliases, Ratio batch) {
        List<ModelPrice> result = new ArrayList<>();
        for (ModelPrice m : models.values()) {
            List<String> kept = new ArrayList<>();
            for (String alias : m.aliases()) {
                String owner = claimedAliases.get(alias);
                if (owner != null && !owner.equals(m.id())) continue;
                if (alias.equals(m.id())) continue;
                if (models.containsKey(alias)) {
                    throw error("model '" + m.id() + "': alias '" + alias + "' is the id of another model");
                }
                kept.add(alias);
            }
            ModelPrice checked = kept.size() == m.aliases().size() ? m : m.withAliases(kept);
            checkMultipliersStack(checked, batch);
            result.add(checked);
        }
        return result;
    }

    /** {@code "max_output_tokens": {"claude-opus-4-20250514": 32000, …, "default": 128000}}: whole numbers in [1, 1e10]. */
    private Map<String, Long> outputLimits(JsonNode node) {
        if (!node.isObject()) throw error("\"max_output_tokens\": expected an object of model id to token count");
        Map<String, Long> out = new HashMap<>();
        node.fields().forEachRemaining(f -> {
            if (f.getKey().startsWith("_")) return;
            JsonNode v = f.getValue();
            if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > tally.core.Bounds.MAX_TOKENS) {
                throw error("max_output_tokens." + f.getKey() + ": expected a whole number in [1, 1e10], got " + v);
            }
            out.put(f.getKey().equals("default") ? "default" : ModelIds.parse(f.getKey()).id(), v.asLong());
        });
        return out;
    }

    private JsonNode parse(byte[] bytes) {
        try {
            JsonNode root = JsonTree.readExact(bytes); // decimals exact, a repeated key refused
            if (root == null || root.isMissingNode()) throw error("the file is empty");
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw error("not valid JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw error("cannot read: " + e.getMessage());
        }
    }

    private ModelPrice readModel(JsonNode node, String id, ModelPrice existing, String where) {
        checkKeys(node, MODEL_KEYS, where + ": ");
        String name = node.has("name") ? text(node.get("name"), where + ": name")
                : existing != null ? existing.name() : id;

        List<String> aliases = new ArrayList<>(existing != null ? existing.aliases() : List.of());
        for (String a : aliases(node, where)) if (!aliases.contains(a)) aliases.add(a);

        Schedule<TokenRates> prices;
        if (node.has("prices")) prices = priceRows(node.get("prices"), where);
        else if (existing != null) prices = existing.prices();
        else throw error(where + ": \"prices\" is missing");

        Schedule<LongContextTier> longContext = node.has("long_context") ? tiers(node.get("long_context"), where)
                : existing != null ? existing.longContext() : Schedule.empty();
        Schedule<Ratio> fast = node.has("fast") ? fastRows(node.get("fast"), where)
                : existing != null ? existing.fast() : Schedule.empty();
        Ratio regional = node.has("bedrock_regional_premium")
                ? multiplier(node.get("bedrock_regional_premium"), where + ": bedrock_regional_premium")
                : existing != null ? existing.bedrockRegionalPremium() : null;
        Ratio residency = node.has("data_residency")
                ? multiplier(node.get("data_residency"), where + ": data_residency")
                : existing != null ? existing.dataResidency() : null;
        return new ModelPrice(id, name, aliases, prices, longContext, fast, regional, residency,
                contextWindow(node, existing, where));
    }

    private ContextWindow contextWindow(JsonNode node, ModelPrice existing, String where) {
        ContextWindow was = existing != null ? existing.context() : ContextWindow.STANDARD;
        long tokens = node.has("context_window") ? windowTokens(node.get("context_window"), where + ": context_window")
                : was.tokens();
        long beta = node.has("context_window_beta")
                ? windowTokens(node.get("context_window_beta"), where + ": context_window_beta")
                : node.has("context_window") ? Math.max(tokens, was.withBeta()) : was.withBeta();
        if (beta < tokens) throw error(where + ": context_window_beta must not be smaller than context_window");
        return new ContextWindow(tokens, beta);
    }

    private long windowTokens(JsonNode v, String at) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() <= 0 || v.asLong() > MAX_CONTEXT_WINDOW) {
            throw error(at + ": expected a whole number of tokens from 1 to " + MAX_CONTEXT_WINDOW + "; got " + v);
        }
        return v.asLong();
    }

    private List<String> aliases(JsonNode model, String where) {
        JsonNode list = model.get("aliases");
        if (list == null || list.isNull()) return List.of();
        if (!list.isArray()) throw error(where + ": \"aliases\" must be a list of strings");
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode a : list) {
            if (!a.isTextual() || a.asText().isBlank()) throw error(where + ": aliases must be non-empty strings");
            out.add(ModelIds.parse(a.asText()).id());
        }
        return List.copyOf(out);
    }

    private Schedule<TokenRates> priceRows(JsonNode list, String where) {
        if (!list.isArray() || list.isEmpty()) throw error(where + ": \"prices\" must be a non-empty list");
        List<Dated<TokenRates>> rows = new ArrayList<>();
        Set<Instant> starts = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ": prices[" + i + "]";
            JsonNode row = object(list.get(i), at);
            checkKeys(row, RATE_KEYS, at + ": ");
            Instant from = date(row, "from", at);
            if (!starts.add(from == null ? Instant.MIN : from)) throw error(at + ": two price rows start at the same time");
            rows.add(new Dated<>(from, null, rates(row, at)));
        }
        return Schedule.of(rows);
    }

    private Schedule<LongContextTier> tiers(JsonNode list, String where) {
        if (list.isNull()) return Schedule.empty();
        if (!list.isArray()) throw error(where + ": \"long_context\" must be a list");
        List<Dated<LongContextTier>> rows = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ": long_context[" + i + "]";
            JsonNode row = object(list.get(i), at);
            checkKeys(row, TIER_KEYS, at + ": ");
            JsonNode above = row.get("above");
            if (above == null || !above.canConvertToLong() || !above.isIntegralNumber() || above.asLong() <= 0) {
                throw error(at + ": \"above\" must be a positive whole number of tokens");
            }
            rows.add(window(row, at, new LongContextTier(above.asLong(), rates(row, at))));
        }
        return Schedule.of(rows);
    }

    private Schedule<Ratio> fastRows(JsonNode list, String where) {
        if (list.isNull()) return Schedule.empty();
        if (!list.isArray()) throw error(where + ": \"fast\" must be a list");
        List<Dated<Ratio>> rows = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ": fast[" + i + "]";
            JsonNode row = object(list.get(i), at);
            checkKeys(row, FAST_KEYS, at + ": ");
            if (!row.has("multiplier")) throw error(at + ": \"multiplier\" is missing");
            Ratio m = multiplier(row.get("multiplier"), at + ": multiplier");
            rows.add(window(row, at, m == null ? Ratio.ONE : m));
        }
        return Schedule.of(rows);
    }

    private <T> Dated<T> window(JsonNode row, String at, T value) {
        Instant from = date(row, "from", at);
        Instant until = date(row, "until", at);
        if (from != null && until != null && !until.isAfter(from)) throw error(at + ": \"until\" must be after \"from\"");
        return new Dated<>(from, until, value);
    }

    private TokenRates rates(JsonNode row, String at) {
        long input = required(row, "input", at);
        return new TokenRates(input,
                optionalRate(row, TokenClass.CACHE_WRITE_5M, input, at),
                optionalRate(row, TokenClass.CACHE_WRITE_1H, input, at),
                optionalRate(row, TokenClass.CACHE_READ, input, at),
                required(row, "output", at));
    }

    private long required(JsonNode row, String key, String at) {
        JsonNode v = row.get(key);
        if (v == null || v.isNull()) throw error(at + ": \"" + key + "\" price is missing");
        return usdPerMillion(v, at + "." + key);
    }

    /** A cache price as given, or the standard multiple of input; either must be whole nano-dollars per token. */
    private long optionalRate(JsonNode row, TokenClass c, long input, String at) {
        JsonNode v = row.get(c.key());
        if (v != null && !v.isNull()) return usdPerMillion(v, at + "." + c.key());
        long derived = TokenRates.standardCacheRate(c, input); // exact: input is whole nano-dollars per token
        if (derived % TokenRates.TOKENS_PER_UNIT != 0) {
            throw error(at + "." + c.key() + ": the standard multiple of input would be "
                    + BigDecimal.valueOf(derived).movePointLeft(9).stripTrailingZeros().toPlainString()
                    + ", finer than a nano-dollar per token (USD per million tokens must be a multiple of 0.001);"
                    + " give \"" + c.key() + "\" in this row");
        }
        return derived;
    }

    /**
     * USD per million tokens → nano-dollars per million tokens, exactly. A list price is a whole number
     * of nano-dollars per token (so costs never hang on rounding): a multiple of $0.001 per million.
     */
    private long usdPerMillion(JsonNode v, String at) {
        BigDecimal usd = decimal(v, at, "price");
        if (usd.signum() < 0) throw error(at + ": price '" + v.asText() + "' is negative");
        if (usd.compareTo(MAX_USD_PER_MILLION) > 0) {
            throw error(at + ": price '" + v.asText() + "' is too large for USD per million tokens");
        }
        BigDecimal perTokenNanos = usd.movePointRight(3);
        if (perTokenNanos.stripTrailingZeros().scale() > 0) {
            throw error(at + ": price '" + v.asText() + "' is finer than a nano-dollar per token"
                    + " (USD per million tokens must be a multiple of 0.001)");
        }
        return usd.movePointRight(9).longValueExact();
    }

    private long perSearchNanos(JsonNode v) {
        BigDecimal usd = decimal(v, "web_search_per_1000", "price");
        BigDecimal nanos = usd.movePointRight(9 - 3);
        if (usd.signum() < 0 || nanos.stripTrailingZeros().scale() > 0 || usd.compareTo(MAX_USD_PER_MILLION) > 0) {
            throw error("web_search_per_1000: price '" + v.asText() + "' must be a non-negative whole number of nano-dollars per search");
        }
        return nanos.longValueExact();
    }

    /** A positive multiplier; null (JSON null or 1) means none. */
    private Ratio multiplier(JsonNode v, String at) {
        if (v.isNull()) return null;
        BigDecimal d = decimal(v, at, "multiplier");
        if (d.signum() <= 0 || d.compareTo(MAX_MULTIPLIER) > 0 || d.stripTrailingZeros().scale() > 6) {
            throw error(at + ": multiplier '" + v.asText() + "' must be above 0, at most 1000, with at most 6 decimals");
        }
        Ratio r = Ratio.parse(d.toPlainString());
        return r.isOne() ? null : r;
    }

    private BigDecimal decimal(JsonNode v, String at, String what) {
        if (v.isNumber()) return v.decimalValue();
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.asText().trim());
            } catch (NumberFormatException e) {
                throw error(at + ": " + what + " '" + v.asText() + "' is not a number");
            }
        }
        throw error(at + ": " + what + " " + v + " is not a number");
    }

    private Instant date(JsonNode row, String key, String at) {
        JsonNode v = row.get(key);
        if (v == null || v.isNull()) return null;
        String s = v.asText().trim();
        try {
            if (s.length() == 10) return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            return OffsetDateTime.parse(s).toInstant();
        } catch (RuntimeException e) {
            throw error(at + ": " + key + " '" + s + "' is not a date (use YYYY-MM-DD or an ISO-8601 instant)");
        }
    }

    private String text(JsonNode v, String at) {
        if (!v.isTextual()) throw error(at + ": must be a string");
        return v.asText();
    }

    private JsonNode object(JsonNode v, String at) {
        if (!v.isObject()) throw error(at + ": expected an object");
        return v;
    }

    private void checkKeys(JsonNode node, Set<String> allowed, String at) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!k.startsWith("_") && !allowed.contains(k)) {
                throw error(at + "unknown field '" + k + "' (expected one of " + new TreeSet<>(allowed) + ")");
            }
        }
    }

    /** Stacked multipliers must stay exact integers; absurdly precise ones would overflow. */
    private void checkMultipliersStack(ModelPrice m, Ratio batch) {
        try {
            Ratio r = batch;
            if (m.bedrockRegionalPremium() != null) r = r.times(m.bedrockRegionalPremium());
            if (m.dataResidency() != null) r = r.times(m.dataResidency());
            for (Dated<Ratio> f : m.fast().rows()) r.times(f.value());
        } catch (ArithmeticException e) {
            throw error("model '" + m.id() + "': multipliers are too precise to combine exactly");
        }
    }

    private <T> T fail(String message) {
        throw error(message);
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(source + ": " + message);
    }
}
