package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.budget.Budget;
import tally.identity.Person;

import java.time.ZoneId;
import java.util.List;

/** {@code /api/people} and {@code /api/people/{name}} (with the budgets that cover them). */
final class PeopleApi {
    private final WebData data;
    private final BudgetsApi budgets;

    PeopleApi(WebData data, BudgetsApi budgets) {
        this.data = data;
        this.budgets = budgets;
    }

    JsonNode list(Params p) {
        p.allow();
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("people");
        for (Person person : data.people().list()) json(list.addObject(), person);
        return out;
    }

    JsonNode one(Params p, String name) {
        p.allow(List.of("tz"));
        ZoneId zone = p.zone();
        Person person = data.people().list().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiError.notFound("no person named '" + name + "'"));
        ObjectNode out = json(Json.object(), person);
        List<Budget> covering = data.budgets().over(person.name(), person.team(), person.aliases());
        ArrayNode list = out.putArray("budgets");
        for (BudgetStatus s : budgets.statuses(covering, zone)) s.json(list.addObject());
        return out;
    }

    private static ObjectNode json(ObjectNode o, Person p) {
        o.put("name", p.name());
        if (p.team() == null) o.putNull("team"); else o.put("team", p.team());
        ArrayNode a = o.putArray("aliases");
        p.aliases().forEach(a::add);
        return o;
    }
}
