package tally.report;

import tally.core.TokenCounts;
import tally.identity.People;
import tally.identity.Person;
import tally.pricing.Estimate;
import tally.pricing.PriceCatalog;
import tally.pricing.PriceRequest;
import tally.store.Dimension;
import tally.store.ProviderReports;
import tally.store.UsageRow;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-developer table from what Anthropic itself reports, for teams with one API key per
 * developer and no proxy: the Admin usage report's rows (from {@code tally import anthropic}), each
 * API key resolved to a person through the aliases, the tokens priced at list price by the catalog.
 * That report has no cost per key and no request counts, so the cost is Tally's pricing of the
 * reported tokens and requests are 0. Nothing here is added to the ledger.
 */
public final class ReportedUsage {
    /** Prompts up to this size are priced at the base rates; the report says which tier a row is in. */
    private static final long BASE_TIER_INPUT = 200_000;

    private ReportedUsage() {}

    public static CostReport build(ProviderReports reports, People people, PriceCatalog catalog, ReportRange range,
                                   Dimension by, Clock clock) {
        if (by != Dimension.USER && by != Dimension.TEAM && by != Dimension.MODEL && by != Dimension.DAY) {
            throw new IllegalArgumentException("--reported groups by user, team, model or day, not " + by.label().toLowerCase());
        }
        Map<String, String> teams = new HashMap<>();
        for (Person p : people.list()) if (p.team() != null && !p.team().isBlank()) teams.put(p.name(), p.team());
        Map<String, String> personOfKey = new HashMap<>();
        Map<String, UsageRow> rows = new TreeMap<>();
        Map<String, UsageRow> byUser = new TreeMap<>();
        Map<String, Long> unpriced = new TreeMap<>();
        UsageRow total = UsageRow.empty("TOTAL");
        for (ProviderReports.UsageRow r : reports.usageRows(range.start().toEpochMilli(), range.end().toEpochMilli())) {
            String person = r.apiKeyId() == null ? "(console)" : personOfKey.computeIfAbsent(r.apiKeyId(), people::resolve);
            TokenCounts tokens = new TokenCounts(r.uncachedInput(), r.cacheWrite5m(), r.cacheWrite1h(), r.cacheRead(), r.output());
            String model = r.model() == null ? "(not itemized)" : r.model();
            Estimate e = catalog.estimate(new PriceRequest(model, Instant.ofEpochMilli(r.bucketStartMs()), tokens, r.webSearches(),
                    "batch".equals(r.serviceTier()), false, null), requestsFor(r, tokens));
            boolean priced = e.priced();
            if (!priced) unpriced.merge(model, 1L, Long::sum);
            String canonical = priced ? e.first().canonicalModel() : model;
            UsageRow row = new UsageRow("", 0, 0, tokens, r.webSearches(), priced ? e.costNanos() : 0, priced ? 0 : 1);
            String key = switch (by) {
                case USER -> person;
                case TEAM -> teams.getOrDefault(person, "(none)");
                case MODEL -> canonical;
                default -> Instant.ofEpochMilli(r.bucketStartMs()).atZone(ZoneOffset.UTC).toLocalDate().toString();
            };
            rows.merge(key, row.withKey(key), UsageRow::plus);
            byUser.merge(person, row.withKey(person), UsageRow::plus);
            total = total.plus(row.withKey("TOTAL"));
        }
        List<UsageRow> sorted = new ArrayList<>(rows.values());
        if (by != Dimension.DAY) sorted.sort((x, y) -> Long.compare(y.costNanos(), x.costNanos()));
        List<UsageRow> top = byUser.values().stream().filter(u -> u.costNanos() > 0)
                .sorted((x, y) -> Long.compare(y.costNanos(), x.costNanos())).limit(3).toList();
        return new CostReport(range, by, sorted, total, CostReport.projection(total.costNanos(), range, clock), top, unpriced, true);
    }

    /**
     * Rows in the report's 0–200k tier are priced as requests no larger than that; rows in the
     * 200k–1M tier as one request above it, which puts them all at the long-context rates.
     */
    private static long requestsFor(ProviderReports.UsageRow r, TokenCounts tokens) {
        if ("200k-1M".equals(r.contextWindow())) return 1;
        return Math.max(1, (tokens.totalInput() + BASE_TIER_INPUT - 1) / BASE_TIER_INPUT);
    }
}
