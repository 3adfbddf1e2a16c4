package tally.importers.anthropic;

import tally.pricing.PriceCatalog;
import tally.store.ProviderReports;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tally's computed cost of first-party records against the provider's billed cost, per UTC day (the
 * provider's buckets) and model, with Claude Code's own estimate beside them. A day is off when its
 * totals differ by more than 1% of the billed amount (or anything at all is on one side only).
 * Model names from the reports are normalized through the price catalog so both sides match.
 */
public record Reconciliation(YearMonth month, List<Line> lines, long tallyTotal, long providerTotal, List<LocalDate> daysOff,
                             List<EstimateDay> telemetry) {

    /**
     * A UTC day of Claude Code's own estimate (OTel cost_usd, or its cost metric) against the
     * ledger's cost of the same sessions. The estimate is at list price and is not a bill.
     */
    public record EstimateDay(LocalDate day, long claudeCodeNanos, long tallyNanos, long diffNanos, BigDecimal percent) {}

    /** @param percent difference as a percentage of the provider's cost, two decimals; null when the provider reports $0 */
    public record Line(LocalDate day, String model, long tallyNanos, long providerNanos, Long claudeCodeNanos,
                       long diffNanos, BigDecimal percent, boolean off) {}

    static final BigDecimal TOLERANCE_PCT = BigDecimal.ONE;

    public static Reconciliation of(ProviderReports reports, PriceCatalog catalog, YearMonth month) {
        long from = startMs(month);
        long to = startMs(month.plusMonths(1));
        Map<String, long[]> cells = new TreeMap<>(); // "day|model" → tally, provider, claude code, has cc
        add(cells, reports.ledgerCostByDayModel(from, to), 0, catalog);
        add(cells, reports.costByDayModel(from, to), 1, catalog);
        add(cells, reports.claudeCodeEstimateByDayModel(from, to), 2, catalog);
        return compare(month, cells, telemetry(reports, from, to));
    }

    /** Where one side's cost per UTC day and model comes from, for [fromMs, toMs). */
    public interface Side {
        List<ProviderReports.DayModel> byDayModel(long fromMs, long toMs);
    }

    /** Tally's cost against another provider's bill (AWS), per UTC day and model, with the same 1% rule. */
    public static Reconciliation between(YearMonth month, Side tallySide, Side providerSide, PriceCatalog catalog) {
        long from = startMs(month);
        long to = startMs(month.plusMonths(1));
        Map<String, long[]> cells = new TreeMap<>();
        add(cells, tallySide.byDayModel(from, to), 0, catalog);
        add(cells, providerSide.byDayModel(from, to), 1, catalog);
        return compare(month, cells, List.of());
    }

    private static long startMs(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The lines of the cells, the totals, and the days whose totals differ by more than the tolerance. */
    private static Reconciliation compare(YearMonth month, Map<String, long[]> cells, List<EstimateDay> telemetry) {
        List<Line> lines = new ArrayList<>();
        Map<LocalDate, long[]> days = new TreeMap<>();
        long tally = 0, provider = 0;
        for (Map.Entry<String, long[]> e : cells.entrySet()) {
            String[] k = e.getKey().split("\\|", 2);
            long[] v = e.getValue();
            LocalDate day = LocalDate.parse(k[0]);
            lines.add(line(day, k[1], v[0], v[1], v[3] > 0 ? v[2] : null));
            long[] d = days.computeIfAbsent(day, x -> new long[2]);
            d[0] += v[0];
            d[1] += v[1];
            tally += v[0];
            provider += v[1];
        }
        List<LocalDate> off = new ArrayList<>();
        days.forEach((day, d) -> { if (isOff(d[0], d[1])) off.add(day); });
        return new Reconciliation(month, lines, tally, provider, off, telemetry);
    }

    private static List<EstimateDay> telemetry(ProviderReports reports, long from, long to) {
        Map<Long, long[]> byDay = new TreeMap<>();
        reports.telemetryEstimateByDay(from, to).forEach(d -> byDay.computeIfAbsent(d.dayMs(), x -> new long[2])[0] += d.nanos());
        reports.ledgerCostOfEstimatedSessionsByDay(from, to).forEach(d -> {
            long[] v = byDay.get(d.dayMs());
            if (v != null) v[1] += d.nanos();
        });
        List<EstimateDay> out = new ArrayList<>();
        byDay.forEach((ms, v) -> {
            long diff = v[1] - v[0];
            BigDecimal pct = v[0] == 0 ? null : BigDecimal.valueOf(diff).multiply(BigDecimal.valueOf(100))
                    .divide(BigDecimal.valueOf(v[0]), 2, RoundingMode.HALF_UP);
            out.add(new EstimateDay(Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC).toLocalDate(), v[0], v[1], diff, pct));
        });
        return out;
    }

    private static void add(Map<String, long[]> cells, List<ProviderReports.DayModel> rows, int slot, PriceCatalog catalog) {
        for (ProviderReports.DayModel r : rows) {
            String day = Instant.ofEpochMilli(r.dayMs()).atZone(ZoneOffset.UTC).toLocalDate().toString();
            String model = r.model() == null ? "(not itemized)" : catalog.resolve(r.model()).canonicalId();
            long[] c = cells.computeIfAbsent(day + "|" + model, x -> new long[4]);
            c[slot] += r.nanos();
            if (slot == 2) c[3] = 1;
        }
    }

    static Line line(LocalDate day, String model, long tally, long provider, Long claudeCode) {
        long diff = tally - provider;
        BigDecimal pct = provider == 0 ? null
                : BigDecimal.valueOf(diff).multiply(BigDecimal.valueOf(100)).divide(BigDecimal.valueOf(provider), 2, RoundingMode.HALF_UP);
        return new Line(day, model, tally, provider, claudeCode, diff, pct, isOff(tally, provider));
    }

    static boolean isOff(long tally, long provider) {
        if (provider == 0) return tally != 0;
        return BigDecimal.valueOf(Math.abs(tally - provider)).multiply(BigDecimal.valueOf(100))
                .compareTo(BigDecimal.valueOf(provider).multiply(TOLERANCE_PCT)) > 0;
    }
}
