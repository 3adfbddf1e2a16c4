package tally.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.core.Bounds;
import tally.core.Figures;
import tally.core.JsonTree;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.pricing.CostBreakdown;
import tally.pricing.Estimate;
import tally.pricing.PriceCatalog;
import tally.pricing.PriceRequest;
import tally.pricing.Quote;
import tally.pricing.TokenClass;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** {@code tally estimate}: what a request with these token counts costs, class by class. */
@Command(name = "estimate", description = {"Price one request, or N equal requests with --requests.",
        "With --compare: price real usage (--days, --from/--to, --month, --last; --user, --team, --model, --source) "
                + "as if it had run on other models."})
final class EstimateCommand implements Runnable {

    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "Model id in any spelling (alias, Bedrock id or ARN, Vertex id). With --compare: only the usage "
                    + "recorded on this model or family (e.g. opus).")
    String model;

    @Option(names = "--input", paramLabel = "N", description = "Uncached input tokens.")
    Long input;

    @Option(names = "--output", paramLabel = "N", description = "Output tokens (thinking included).")
    Long output;

    @Option(names = "--compare", split = ",", arity = "1..*", paramLabel = "MODEL",
            description = "Price recorded usage as if it had run on each of these models or Bedrock profiles "
                    + "(e.g. claude-sonnet-4-5, us.anthropic.claude-haiku-4-5-20251001-v1:0): cost and difference vs actual.")
    List<String> compare;

    /** With --compare: the recorded usage's period. */
    @picocli.CommandLine.Mixin PeriodOptions period;

    @Option(names = "--user", split = ",", paramLabel = "PERSON", description = "With --compare: only these developers' usage.")
    List<String> users = new ArrayList<>();

    @Option(names = "--team", split = ",", paramLabel = "TEAM", description = "With --compare: only these teams' usage.")
    List<String> teams = new ArrayList<>();

    @Option(names = "--source", split = ",", paramLabel = "SOURCE", description = "With --compare: only usage from these sources.")
    List<String> sources = new ArrayList<>();

    @Option(names = "--cache-read", defaultValue = "0", paramLabel = "N", description = "Cache-read tokens.")
    long cacheRead;

    @Option(names = "--cache-write-5m", defaultValue = "0", paramLabel = "N", description = "5-minute cache writes.")
    long cacheWrite5m;

    @Option(names = "--cache-write-1h", defaultValue = "0", paramLabel = "N", description = "1-hour cache writes.")
    long cacheWrite1h;

    @Option(names = "--web-searches", defaultValue = "0", paramLabel = "N", description = "Web searches.")
    long webSearches;

    @Option(names = "--batch", description = "Sent through the Message Batches API (50%% off).")
    boolean batch;

    @Option(names = "--fast", description = "Fast mode.")
    boolean fast;

    @Option(names = "--inference-geo", paramLabel = "GEO", description = "Pinned inference_geo, e.g. us (data residency).")
    String inferenceGeo;

    @Option(names = "--requests", defaultValue = "1", paramLabel = "N",
            description = "Split the totals into N equal requests, each priced alone. Default: ${DEFAULT-VALUE}.")
    long requests;

    @Option(names = "--at", paramLabel = "DATE",
            description = "Price in force at DATE (YYYY-MM-DD in --tz, or an ISO-8601 instant). Default: now.")
    String at;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table or json. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Override
    public void run() {
        GlobalOptions global = GlobalOptions.of(spec);
        if (compare != null) {
            new WhatIfRun().run(this, global);
            return;
        }
        if (model == null || input == null || output == null) {
            throw new UserError("estimate: give --model, --input and --output (one request), or --compare MODEL… (recorded usage)");
        }
        TokenCounts tokens = new TokenCounts(
                count("--input", input), count("--cache-write-5m", cacheWrite5m), count("--cache-write-1h", cacheWrite1h),
                count("--cache-read", cacheRead), count("--output", output));
        count("--web-searches", webSearches);
        if (requests < 1) throw new UserError("--requests must be at least 1 (got " + requests + ")");
        checkModes();
        Instant when = at == null ? Instant.now() : parseAt(at, global);

        PriceCatalog catalog = PriceCatalog.load(global.pricesFile());
        PriceRequest totals = new PriceRequest(model, when, tokens, webSearches, batch, fast, inferenceGeo);
        Estimate estimate = catalog.estimate(totals, requests);
        if (!estimate.priced()) throw unpriced(estimate.first());

        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) printJson(out, estimate, tokens, when);
        else printTable(out, estimate, tokens, notes(estimate, catalog, totals));
        out.flush();
    }

    /** A count the ledger could hold: whole, not negative, at most 10^10 (what {@code tally record} takes). */
    private static long count(String flag, long value) {
        if (value < 0) throw new UserError(flag + " must not be negative (got " + value + ")");
        String why = Bounds.tokens(flag, value);
        if (why != null) throw new UserError(why);
        return value;
    }

    /** Refuses what no real request can be: fast mode through the Batches API, a geography the API does not have. */
    private void checkModes() {
        if (fast && batch) throw new UserError("--fast and --batch: fast mode is not available with the Message Batches API");
        if (inferenceGeo != null && !PriceRequest.knownGeography(inferenceGeo)) {
            throw new UserError("--inference-geo: '" + inferenceGeo + "' is not a geography; use one of "
                    + String.join(", ", PriceRequest.GEOGRAPHIES));
        }
    }

    /** An unknown model's cost is unknown, not zero: said on stderr, exit 2, so no script takes it for a price. */
    private static UserError unpriced(Quote q) {
        String read = q.canonicalModel().equals(q.modelId()) ? "" : " (read as '" + q.canonicalModel() + "')";
        return new UserError("--model: UNPRICED: the catalog (" + q.catalogVersion() + ") does not know model '"
                + q.modelId() + "'" + read + ", so its cost is unknown, not zero; add it to a price file (--prices)");
    }

    /** A date or instant within what the ledger takes (from 2023 to a day ahead, as {@code tally record --at}). */
    private static Instant parseAt(String s, GlobalOptions global) {
        Instant when;
        try {
            if (s.length() == 10) when = LocalDate.parse(s).atStartOfDay(global.zone()).toInstant();
            else when = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new UserError("--at: '" + s + "' is not a date (use YYYY-MM-DD or an instant such as 2026-03-01T12:00:00Z)");
        }
        String why = Bounds.time(when, Instant.now());
        if (why != null) throw new UserError("--at: " + why);
        return when;
    }

    private void printTable(PrintWriter out, Estimate e, TokenCounts tokens, List<String> notes) {
        Quote q = e.first();
        String given = q.canonicalModel().equals(model) ? "" : " (given as " + model + ")";
        out.println(q.canonicalModel() + given + ", catalog " + q.catalogVersion()
                + (e.requests() > 1 ? ", " + e.requests() + " requests priced one by one" : ""));
        CostBreakdown b = e.breakdown();
        PricesCommand.Table t = new PricesCommand.Table("", "TOKENS", "USD/MTOK", "COST");
        for (TokenClass c : TokenClass.values()) {
            String rate = e.uniformRates() ? usd(q.effectiveRate(c)) : "varies";
            t.row(c.label(), Figures.grouped(c.tokens(tokens)), rate, Nanos.toDecimal(b.of(c)));
        }
        t.row("web search", Figures.grouped(webSearches), Nanos.toDecimal(q.webSearchNanos() * 1000) + "/1K",
                Nanos.toDecimal(b.webSearch()));
        t.row("total", "", "", "$" + Nanos.toDecimal(b.total()));
        t.print(out);
        for (String note : notes) out.println("  " + note);
    }

    private List<String> notes(Estimate e, PriceCatalog catalog, PriceRequest totals) {
        Quote q = e.first();
        Instant when = totals.at();
        List<String> notes = new ArrayList<>();
        if (q.batch()) notes.add("batch: x" + catalog.batchMultiplier() + " on every token class");
        if (e.longContextRequests() > 0) notes.addAll(longContext(e, catalog, totals));
        if (q.regionalPremium()) notes.add("Bedrock regional premium: x" + catalog.model(model).bedrockRegionalPremium());
        if (q.fastApplied()) notes.add("fast mode: x" + catalog.model(model).fastAt(when));
        else if (fast) notes.add("fast mode: this model bills it at the standard price");
        if (q.dataResidency()) notes.add("data residency (inference_geo " + inferenceGeo + "): x" + catalog.model(model).dataResidency());
        if (!q.multiplier().isOne()) notes.add("all multipliers together: x" + q.multiplier());
        return notes;
    }

    /**
     * Why the long-context rule applied (a request's whole prompt, cache included, above the tier's
     * threshold bills the whole request at the premium rates) and what the same tokens cost spread over
     * just enough requests that none crosses it.
     */
    private static List<String> longContext(Estimate e, PriceCatalog catalog, PriceRequest totals) {
        long above = catalog.model(totals.modelId()).longContextAt(totals.at()).above();
        TokenCounts t = totals.tokens();
        long n = e.requests();
        long largest = up(t.totalInput(), n); // the split deals the prompt out evenly
        String what = t.totalInput() == t.input() ? "input" : "input + cache";
        List<String> lines = new ArrayList<>();
        lines.add(n == 1
                ? "long context: " + what + " " + Figures.grouped(largest) + " > " + Figures.grouped(above)
                        + " tokens, the whole request is billed at the long-context rates"
                : "long context: " + Figures.grouped(e.longContextRequests()) + " of " + Figures.grouped(n) + " requests have "
                        + what + " " + Figures.grouped(largest) + " > " + Figures.grouped(above)
                        + " tokens; each is billed whole at the long-context rates");
        long spread = Math.max(n + 1, up(t.totalInput(), above));
        Estimate split = catalog.estimate(totals, spread);
        while (split.longContextRequests() > 0) split = catalog.estimate(totals, ++spread); // a guard: an even split is under already
        lines.add("spread over " + Figures.grouped(spread) + " requests each under " + thousands(above) + ": $"
                + Nanos.toDecimal(split.costNanos()) + " (instead of $" + Nanos.toDecimal(e.costNanos()) + ")");
        return lines;
    }

    private static long up(long total, long parts) {
        return (total + parts - 1) / parts;
    }

    private static String thousands(long tokens) {
        return tokens % 1000 == 0 ? tokens / 1000 + "K" : Figures.grouped(tokens) + " tokens";
    }

    private void printJson(PrintWriter out, Estimate e, TokenCounts tokens, Instant when) {
        Quote q = e.first();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", model);
        root.put("canonical_model", q.canonicalModel());
        root.put("provider", q.provider());
        root.put("priced", e.priced());
        CostBreakdown b = e.breakdown();
        if (b == null) {
            root.putNull("cost_usd");
            root.putNull("breakdown");
            root.putNull("rates_usd_per_mtok");
        } else {
            root.put("cost_usd", Nanos.toDecimal(b.total()));
            ObjectNode parts = root.putObject("breakdown");
            for (TokenClass c : TokenClass.values()) parts.put(c.key(), Nanos.toDecimal(b.of(c)));
            parts.put("web_search", Nanos.toDecimal(b.webSearch()));
            if (e.uniformRates()) {
                ObjectNode rates = root.putObject("rates_usd_per_mtok");
                for (TokenClass c : TokenClass.values()) rates.put(c.key(), usd(q.effectiveRate(c)));
            } else {
                root.putNull("rates_usd_per_mtok");
            }
        }
        ObjectNode t = root.putObject("tokens");
        for (TokenClass c : TokenClass.values()) t.put(c.key(), c.tokens(tokens));
        t.put("web_searches", webSearches);
        root.put("requests", e.requests());
        root.put("batch", batch);
        root.put("fast", fast);
        root.put("fast_applied", q.fastApplied());
        root.put("long_context", e.longContextRequests() > 0);
        root.put("long_context_requests", e.longContextRequests());
        root.put("regional_premium", q.regionalPremium());
        root.put("data_residency", q.dataResidency());
        root.put("at", when.toString());
        root.put("catalog_version", q.catalogVersion());
        out.println(JsonTree.pretty(root));
    }

    /** Nano-dollars per million tokens → "3.00" USD per million tokens, exact. */
    private static String usd(BigDecimal nanosPerMillion) {
        BigDecimal d = nanosPerMillion.movePointLeft(9).stripTrailingZeros();
        if (d.scale() < 2) d = d.setScale(2);
        return d.toPlainString();
    }
}
