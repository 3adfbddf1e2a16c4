package tally.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.budget.Budget;
import tally.budget.Budgets;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/** A budget with what was spent against it this period: the budgets list, the overview, a person's page. */
record BudgetStatus(Budget budget, long spent, Map<String, Long> bySource, Instant resets) {

    static BudgetStatus of(Budgets budgets, Budget b, Instant now, ZoneId zone) {
        Budgets.Spend spend = budgets.spend(b, now, zone);
        return new BudgetStatus(b, spend.total(), spend.bySource(), b.period().end(now, zone));
    }

    /** Share of the limit used, in percent with one decimal (display only; spent and limit stay exact). */
    double percent() {
        return BigDecimal.valueOf(spent).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(budget.amount()), 1, RoundingMode.HALF_UP).doubleValue();
    }

    ObjectNode json(ObjectNode o) {
        Budget b = budget;
        boolean usd = b.unit() == Budget.Unit.USD;
        o.put("name", b.name()).put("scope", b.scope().label());
        if (b.subject() == null) o.putNull("subject"); else o.put("subject", b.subject());
        o.put("period", b.period().label()).put("unit", b.unit().label())
                .put("hard", b.hard()).put("threshold_pct", b.thresholdPct());
        if (usd) {
            Json.money(o, "limit_usd", b.amount());
            Json.money(o, "spent_usd", spent);
            o.putNull("limit_tokens").putNull("spent_tokens");
        } else {
            o.putNull("limit_usd").putNull("spent_usd");
            o.put("limit_tokens", b.amount()).put("spent_tokens", spent);
        }
        ObjectNode sources = o.putObject("spent_by_source");
        bySource.forEach((source, v) -> {
            if (usd) Json.money(sources, source, v);
            else sources.put(source, v);
        });
        return o.put("percent", percent()).put("resets_at", resets.toString());
    }
}
