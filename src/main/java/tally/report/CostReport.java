package tally.report;

import tally.store.AnyOf;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;

/**
 * The per-developer cost report (or grouped by anything else): rows, a total, the month projected
 * at the current pace, the top spenders and the models that could not be priced. A report built from
 * the provider's own usage report ({@code fromProviderReport}) has no request counts: its unpriced
 * counts are report rows.
 *
 * <p>Projection: the range's cost per elapsed day (a range that includes today counts today's
 * elapsed part only), times the days of the month the range ends in.
 */
public record CostReport(ReportRange range, Dimension by, List<UsageRow> rows, UsageRow total,
                         long projectedMonthNanos, List<UsageRow> topSpenders, Map<String, Long> unpricedModels,
                         boolean fromProviderReport) {

    public static CostReport build(Ledger ledger, ReportRange range, Dimension by, Clock clock) {
        return build(ledger, range, by, AnyOf.NONE, clock);
    }

    /** Only the records the filters admit (--user, --team, --model, --source). */
    public static CostReport build(Ledger ledger, ReportRange range, Dimension by, AnyOf filters, Clock clock) {
        UsageQuery q = UsageQuery.of(range.start(), range.end(), by, range.zone()).withAnyOf(filters);
        List<UsageRow> rows = ledger.usage(q);
        UsageRow total = ledger.totalOf(q, rows);
        List<UsageRow> byUser = by == Dimension.USER ? rows : ledger.usage(q.withBy(Dimension.USER));
        List<UsageRow> top = byUser.stream().filter(r -> r.costNanos() > 0).limit(3).toList();
        return new CostReport(range, by, rows, total, projection(total.costNanos(), range, clock), top,
                ledger.unpricedModels(q, total), false);
    }

    static long projection(long costNanos, ReportRange range, Clock clock) {
        Instant now = clock.instant();
        Instant end = now.isBefore(range.end()) ? now : range.end();
        long elapsedMs = Duration.between(range.start(), end).toMillis();
        if (elapsedMs <= 0) return 0;
        int monthDays = YearMonth.from(range.to()).lengthOfMonth();
        BigInteger projected = BigInteger.valueOf(costNanos).multiply(BigInteger.valueOf(monthDays)).multiply(BigInteger.valueOf(86_400_000L))
                .add(BigInteger.valueOf(elapsedMs / 2)).divide(BigInteger.valueOf(elapsedMs));
        if (projected.bitLength() > 63) throw new tally.core.Bounds.OutOfRange("the projected month's cost (" + projected + " nano-dollars) exceeds " + Long.MAX_VALUE);
        return projected.longValue();
    }

    public long unpricedRequests() {
        return total.unpriced();
    }
}
