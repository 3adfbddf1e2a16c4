package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.budget.Budget;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code /api/budgets}: each budget with its spend this period, nearest its limit first. */
final class BudgetsApi {
    private final WebData data;

    BudgetsApi(WebData data) {
        this.data = data;
    }

    JsonNode list(Params p) {
        p.allow(List.of("tz"));
        ZoneId zone = p.zone();
        ObjectNode out = Json.object().put("timezone", zone.getId());
        ArrayNode list = out.putArray("budgets");
        for (BudgetStatus s : statuses(data.budgets().effective(data.clock().instant(), zone), zone)) s.json(list.addObject());
        return out;
    }

    List<BudgetStatus> statuses(List<Budget> budgets, ZoneId zone) {
        Instant now = data.clock().instant();
        List<BudgetStatus> out = new ArrayList<>();
        for (Budget b : budgets) out.add(BudgetStatus.of(data.budgets(), b, now, zone));
        out.sort(Comparator.comparingDouble(BudgetStatus::percent).reversed()
                .thenComparing(s -> s.budget().name()));
        return out;
    }
}
