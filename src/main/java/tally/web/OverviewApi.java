package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.report.ReportRange;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * {@code /api/overview}: today and this month at a glance, cut in the team's zone, with the same
 * filters as every view. Daily active users count telemetry as well as usage when no filter is set;
 * with a filter, the people with usage today under it.
 */
final class OverviewApi {
    private final WebData data;
    private final BudgetsApi budgets;

    OverviewApi(WebData data, BudgetsApi budgets) {
        this.data = data;
        this.budgets = budgets;
    }

    JsonNode overview(Params p) {
        p.allow(Params.FILTERS, List.of("tz"));
        ZoneId zone = p.zone();
        Instant now = data.clock().instant();
        LocalDate today = LocalDate.ofInstant(now, zone);
        ReportRange day = new ReportRange(today, today, zone);
        ReportRange month = new ReportRange(today.withDayOfMonth(1), today, zone);
        UsageQuery todayQ = p.usage(day, Dimension.USER);
        UsageQuery monthQ = p.usage(month, Dimension.USER);
        UsageRow t = data.ledger().totals(todayQ);
        UsageRow m = data.ledger().totals(monthQ);
        boolean filtered = todayQ.person() != null || todayQ.team() != null || todayQ.model() != null || todayQ.source() != null;
        long active = filtered ? data.ledger().usage(todayQ).size()
                : data.activity().dailyActiveUsers(day.start(), day.end(), zone).getOrDefault(today, 0);

        ObjectNode out = Json.object().put("today", today.toString()).put("month", month.from().toString().substring(0, 7))
                .put("timezone", zone.getId());
        Json.money(out, "cost_today_usd", t.costNanos());
        out.put("requests_today", t.requests());
        out.put("active_users_today", active);
        Json.money(out, "cost_month_usd", m.costNanos());
        Json.money(out, "projected_month_usd", projectedMonth(m.costNanos(), month, now));
        out.put("requests_month", m.requests());
        out.put("unpriced_requests_month", m.unpriced());
        ArrayNode unpriced = out.putArray("unpriced_models");
        data.ledger().unpricedModels(monthQ, m).forEach((model, n) -> unpriced.addObject().put("model", model).put("requests", n));
        ArrayNode nearest = out.putArray("budgets");
        budgets.statuses(data.budgets().effective(data.clock().instant(), zone), zone).stream().limit(5).forEach(s -> s.json(nearest.addObject()));
        return out;
    }

    /**
     * The month at the pace so far: cost per elapsed millisecond of the month (today's elapsed
     * part only) times the month's length; integer arithmetic, rounded half up, as {@code tally report} does.
     */
    static long projectedMonth(long costNanos, ReportRange month, Instant now) {
        long elapsedMs = Duration.between(month.start(), now).toMillis();
        if (elapsedMs <= 0) return 0;
        long monthMs = Duration.between(month.start(), month.from().plusMonths(1).atStartOfDay(month.zone()).toInstant()).toMillis();
        BigInteger projected = BigInteger.valueOf(costNanos).multiply(BigInteger.valueOf(monthMs))
                .add(BigInteger.valueOf(elapsedMs / 2)).divide(BigInteger.valueOf(elapsedMs));
        if (projected.bitLength() > 63) throw new tally.core.Bounds.OutOfRange("the projected month's cost (" + projected + " nano-dollars) exceeds " + Long.MAX_VALUE);
        return projected.longValue();
    }
}
