package tally.budget;

import tally.core.Source;
import tally.store.BudgetStore;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Budget definitions in the store, and what the ledger says was spent against one. */
public final class Budgets {
    private final BudgetStore budgets;
    private final Ledger ledger;

    public Budgets(Store store, Ledger ledger) {
        this.budgets = new BudgetStore(store);
        this.ledger = ledger;
    }

    /** Adds a budget, or replaces the one with the same name. */
    public void set(Budget b) {
        if (b.amount() <= 0) throw new IllegalArgumentException("a budget's limit must be more than zero");
        if (b.thresholdPct() < 1 || b.thresholdPct() > 100) throw new IllegalArgumentException("--threshold: expected 1 to 100");
        if (b.scope() != Budget.Scope.ORG && (b.subject() == null || b.subject().isBlank())) {
            throw new IllegalArgumentException("a " + b.scope().label() + " budget needs a " + b.scope().label());
        }
        budgets.save(new BudgetStore.Row(b.name(), b.scope().label(), b.subject(), b.period().label(), b.unit().label(),
                b.amount(), b.hard(), b.thresholdPct()), System.currentTimeMillis());
    }

    public boolean remove(String name) {
        return budgets.remove(name);
    }

    public List<Budget> list() {
        List<Budget> out = new ArrayList<>();
        for (BudgetStore.Row r : budgets.list()) {
            out.add(new Budget(r.name(), Budget.parseScope(r.scope()), r.subject(), Budget.parsePeriod(r.period()),
                    Budget.Unit.valueOf(r.unit().toUpperCase()), r.amount(), r.hard(), r.thresholdPct()));
        }
        return out;
    }

    /**
     * What the ledger holds against a budget for the period containing {@code now}: gateway records
     * only, since the gateway is the path a budget can stop (and other sources may restate the same
     * requests without a request id to dedupe them by).
     */
    public long spent(Budget b, Instant now, ZoneId zone) {
        UsageQuery q = UsageQuery.of(b.period().start(now, zone), b.period().end(now, zone), Dimension.USER, zone)
                .withSource(Source.GATEWAY.label());
        q = switch (b.scope()) {
            case ORG -> q;
            case PERSON -> q.withPerson(b.subject());
            case TEAM -> q.withTeam(b.subject());
            case KEY -> q.withIdentity(b.subject());
        };
        UsageRow r = ledger.totals(q);
        return b.unit() == Budget.Unit.USD ? r.costNanos() : r.tokens().total();
    }
}
