package tally.app;

import tally.core.Nanos;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.identity.People;
import tally.identity.Person;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** The status line's facts: this session's cost, the person's spend today and the budget nearest its limit. */
public final class StatusLine {
    /** {@code estimateNanos}: Claude Code's own estimate of the session, shown when the ledger has none (null: none given). */
    public record Request(String user, String sessionId, String model, Long estimateNanos, String zone) {}

    public record Line(String text) {}

    private final Store store;
    private final Ledger ledger;
    private final People people;
    private final Clock clock;

    StatusLine(Store store, Ledger ledger, People people, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.people = people;
        this.clock = clock;
    }

    public Line line(Request r) {
        ZoneId zone = Fields.zone("zone", r.zone());
        Fields.required("user", r.user());
        Instant now = clock.instant();
        List<String> parts = new ArrayList<>();
        if (r.model() != null) parts.add("[" + r.model() + "]");
        UsageRow session = r.sessionId() == null ? null
                : ledger.session(r.sessionId(), now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(1)));
        if (session != null && session.requests() > 0) parts.add("session " + Nanos.toDollarsReadable(session.costNanos()));
        else if (r.estimateNanos() != null) parts.add("session ~" + Nanos.toDollarsReadable(r.estimateNanos()) + " (Claude Code's estimate)");
        String person = people.resolve(r.user());
        LocalDate today = LocalDate.now(clock.withZone(zone));
        UsageQuery day = UsageQuery.of(today.atStartOfDay(zone).toInstant(), today.plusDays(1).atStartOfDay(zone).toInstant(),
                Dimension.USER, zone).withPerson(person);
        parts.add(person + " today " + Nanos.toDollarsReadable(ledger.totals(day).costNanos()));
        String budget = nearestBudget(person, now, zone);
        if (budget != null) parts.add(budget);
        return new Line(String.join(" | ", parts));
    }

    /** The budget over this person (their own, their team's, the organization's) that is nearest its limit. */
    private String nearestBudget(String person, Instant now, ZoneId zone) {
        // a person without a team has a null one: mapped before findFirst, it threw
        String team = people.list().stream().filter(p -> p.name().equals(person)).findFirst().map(Person::team).orElse(null);
        Budgets budgets = new Budgets(store, ledger);
        String best = null;
        long bestPct = -1;
        for (Budget b : budgets.over(person, team, List.of())) {
            long spent = budgets.spent(b, now, zone);
            long pct = b.percentUsed(spent); // as budgets list shows it
            if (pct > bestPct) {
                bestPct = pct;
                best = "budget " + pct + "% of " + b.format(b.amount()) + " " + b.period().label() + " (" + b.who() + ")";
            }
        }
        return best;
    }
}
