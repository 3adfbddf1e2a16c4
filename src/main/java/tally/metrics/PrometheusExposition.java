package tally.metrics;

import tally.core.Nanos;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.ingest.IngestStats;
import tally.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The whole {@code /metrics} page: usage counters from the ledger, budgets, gateway latency and the
 * ingest pipeline's gauges. A scrape is cached for a few seconds, so several Prometheus servers (or
 * an impatient one) cost one set of queries.
 */
public final class PrometheusExposition {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(PrometheusExposition.class.getName());

    /** What the page reads besides the store; any supplier may be absent (null). */
    public record Sources(Supplier<IngestStats> ingest, Supplier<Long> spoolBytes, GatewayLatency latency,
                          Supplier<Map<String, Integer>> firingAlerts) {}

    private final Store store;
    private final LedgerCounters counters;
    private final Budgets budgets;
    private final Sources sources;
    private final Clock clock;
    private final ZoneId zone;
    private final int maxPeople;
    private final Duration cacheFor;
    private String cached;
    private Instant cachedAt = Instant.MIN;

    public PrometheusExposition(Store store, Budgets budgets, Sources sources, Clock clock, ZoneId zone,
                                int maxPeople, Duration cacheFor) {
        this.store = store;
        this.counters = new LedgerCounters(store);
        this.budgets = budgets;
        this.sources = sources;
        this.clock = clock;
        this.zone = zone;
        this.maxPeople = maxPeople;
        this.cacheFor = cacheFor;
    }

    /** The exposition text; fresh at most every {@code cacheFor}. */
    public synchronized String scrape() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cachedAt.plus(cacheFor))) {
            cached = render(now);
            cachedAt = now;
        }
        return cached;
    }

    private String render(Instant now) {
        PrometheusText t = new PrometheusText();
        boolean storeUp = true;
        try {
            PrometheusText fromStore = new PrometheusText();
            usage(fromStore);
            if (budgets != null) budgets(fromStore, now);
            t.append(fromStore);
        } catch (RuntimeException e) {
            // the store is down: still show the spool growing, which is when it matters most
            storeUp = false;
            LOG.warning("/metrics: " + e.getMessage());
        }
        if (sources.latency() != null) latency(t, sources.latency());
        ingest(t, storeUp);
        if (sources.firingAlerts() != null) {
            t.family("tally_alerts_firing", "gauge", "Alerts currently firing, per rule.");
            sources.firingAlerts().get().forEach((rule, n) -> t.sample("tally_alerts_firing", Map.of("rule", rule), n));
        }
        return t.toString();
    }

    private void usage(PrometheusText t) {
        Map<LedgerCounters.Key, LedgerCounters.Sums> sums = counters.read(maxPeople);
        t.family("tally_cost_usd_total", "counter", "Cost in US dollars of all usage recorded, per person, model and source.");
        sums.forEach((k, s) -> t.sample("tally_cost_usd_total", labels(k), Nanos.toDecimal(s.costNanos())));
        t.family("tally_tokens_total", "counter", "Tokens recorded, per person, model, source and token class.");
        sums.forEach((k, s) -> {
            tokens(t, k, "input", s.tokens().input());
            tokens(t, k, "cache_write_5m", s.tokens().cacheWrite5m());
            tokens(t, k, "cache_write_1h", s.tokens().cacheWrite1h());
            tokens(t, k, "cache_read", s.tokens().cacheRead());
            tokens(t, k, "output", s.tokens().output());
        });
        t.family("tally_requests_total", "counter", "Requests recorded, per person, model, source and status (ok, or error for HTTP 4xx/5xx).");
        sums.forEach((k, s) -> {
            t.sample("tally_requests_total", with(labels(k), "status", "ok"), s.requests() - s.failed());
            t.sample("tally_requests_total", with(labels(k), "status", "error"), s.failed());
        });
        t.family("tally_unpriced_requests_total", "counter", "Requests on models missing from the price catalog (their cost is not in tally_cost_usd_total).");
        sums.forEach((k, s) -> {
            if (s.unpriced() > 0) t.sample("tally_unpriced_requests_total", labels(k), s.unpriced());
        });
    }

    private static void tokens(PrometheusText t, LedgerCounters.Key k, String cls, long n) {
        t.sample("tally_tokens_total", with(labels(k), "class", cls), n);
    }

    private static Map<String, String> labels(LedgerCounters.Key k) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("person", k.person());
        l.put("model", k.model());
        l.put("source", k.source());
        return l;
    }

    private static Map<String, String> with(Map<String, String> l, String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(l);
        out.put(name, value);
        return out;
    }

    private void budgets(PrometheusText t, Instant now) {
        Map<Budget, Long> spentNow = budgets.spentNow(now, zone); // an each-person default: one series per person who spent
        List<Budget> all = List.copyOf(spentNow.keySet());
        for (Budget.Unit unit : Budget.Unit.values()) {
            String suffix = unit == Budget.Unit.USD ? "usd" : "tokens";
            List<Budget> these = all.stream().filter(b -> b.unit() == unit).toList();
            if (these.isEmpty()) continue;
            t.family("tally_budget_limit_" + suffix, "gauge", "Budget limit for the current period.");
            for (Budget b : these) t.sample("tally_budget_limit_" + suffix, labels(b), amount(unit, b.amount()));
            long[] spent = these.stream().mapToLong(spentNow::get).toArray();
            t.family("tally_budget_spent_" + suffix, "gauge", "Spent against the budget in the current period (every source).");
            for (int i = 0; i < these.size(); i++) t.sample("tally_budget_spent_" + suffix, labels(these.get(i)), amount(unit, spent[i]));
            t.family("tally_budget_remaining_" + suffix, "gauge", "Left of the budget in the current period (zero when exhausted).");
            for (int i = 0; i < these.size(); i++) {
                Budget b = these.get(i);
                t.sample("tally_budget_remaining_" + suffix, labels(b), amount(unit, Math.max(0, b.amount() - spent[i])));
            }
        }
    }

    private static String amount(Budget.Unit unit, long v) {
        return unit == Budget.Unit.USD ? Nanos.toDecimal(v) : Long.toString(v);
    }

    private static Map<String, String> labels(Budget b) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("budget", b.name());
        l.put("scope", b.scope().label());
        l.put("subject", b.subject() == null ? "" : b.subject());
        l.put("period", b.period().label());
        l.put("hard", Boolean.toString(b.hard()));
        return l;
    }

    private static void latency(PrometheusText t, GatewayLatency latency) {
        t.family("tally_gateway_usage_refused_total", "counter",
                "Answers whose upstream usage the gateway could not read or the ledger cannot hold: logged, not recorded.");
        t.sample("tally_gateway_usage_refused_total", Map.of(), latency.refusedUsageCount());
        String name = "tally_gateway_request_duration_seconds";
        t.family(name, "histogram", "Gateway request duration, from arrival to the last byte, per model and status class.");
        latency.snapshot().forEach((key, s) -> {
            Map<String, String> l = new LinkedHashMap<>();
            l.put("model", key[0]);
            l.put("status", key[1]);
            histogram(t, name, l, s);
        });
        String held = "tally_gateway_spool_wait_seconds";
        t.family(held, "histogram", "How long answers' last bytes waited for their record to be durable in the spool "
                + "(the disk's flush, with --spool-sync always).");
        histogram(t, held, Map.of(), latency.spoolWaits());
    }

    /** One series of a histogram: its cumulative buckets, sum and count. */
    private static void histogram(PrometheusText t, String name, Map<String, String> l, GatewayLatency.Series s) {
        double[] bounds = s.bounds;
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += s.buckets[i].sum();
            t.sample(name + "_bucket", with(l, "le", bound(bounds[i])), cumulative);
        }
        cumulative += s.buckets[bounds.length].sum();
        t.sample(name + "_bucket", with(l, "le", "+Inf"), cumulative);
        t.sample(name + "_sum", l, java.math.BigDecimal.valueOf(s.sumNanos.sum(), 9).stripTrailingZeros().toPlainString());
        t.sample(name + "_count", l, cumulative);
    }

    private static String bound(double b) {
        // plain decimals: 0.0001, not 1.0E-4
        return b == Math.rint(b) ? Long.toString((long) b) : java.math.BigDecimal.valueOf(b).stripTrailingZeros().toPlainString();
    }

    private void ingest(PrometheusText t, boolean storeUp) {
        if (sources.ingest() != null) {
            IngestStats s = sources.ingest().get();
            t.family("tally_ingest_queue_depth", "gauge", "Records waiting in memory to be spooled.");
            t.sample("tally_ingest_queue_depth", Map.of(), s.queued());
            t.family("tally_ingest_backlog_records", "gauge", "Records spooled to disk and not yet in the store.");
            t.sample("tally_ingest_backlog_records", Map.of(), s.backlog());
        }
        if (sources.spoolBytes() != null) {
            t.family("tally_ingest_spool_bytes", "gauge", "Size of the spool on disk.");
            t.sample("tally_ingest_spool_bytes", Map.of(), sources.spoolBytes().get());
        }
        t.family("tally_store_up", "gauge", "1 when the store answered this scrape.");
        t.sample("tally_store_up", Map.of("store", store.isPostgres() ? "postgresql" : "duckdb"), storeUp ? 1 : 0);
    }
}
