package tally.app;

import tally.budget.Budget;
import tally.budget.Budgets;
import tally.gateway.VirtualKeys;
import tally.identity.People;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.UsageQuery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Budgets: set (refusing a person nobody knows, unless asked to add them), list with what is spent, remove. */
public final class BudgetAdmin {
    /** {@code create}: add the budget's person when nobody by that name is known yet. */
    public record Set(Budget budget, boolean create, String zone) {}

    public record Saved(boolean personAdded, String described) {}

    public record ListRequest(String zone) {}

    /**
     * One budget (an each-person default once per person with spend this period), what is spent in
     * its current period over every source, the same split by source, and when that period ends.
     */
    public record Line(Budget budget, long spent, Map<String, Long> bySource, Instant resets) {}

    public record Remove(String name) {}

    public record Removed(boolean removed) {}

    private final Store store;
    private final Ledger ledger;
    private final People people;
    private final Clock clock;

    BudgetAdmin(Store store, Ledger ledger, People people, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.people = people;
        this.clock = clock;
    }

    /**
     * Saves a budget. A person budget named by an alias (an email, a key) is saved for the person the
     * alias belongs to, under that person's default name, and the confirmation says so: spend is
     * counted per person, so a budget on the alias itself would never count or block anything.
     */
    public Saved set(Set s) {
        Budget b = Fields.required("budget", s.budget());
        String alias = null;
        if (b.scope() == Budget.Scope.PERSON) {
            String person = people.resolve(b.subject());
            if (!person.equals(b.subject())) {
                alias = b.subject();
                String name = b.name().equals(defaultName(b, alias)) ? defaultName(b, person) : b.name();
                b = new Budget(name, b.scope(), person, b.period(), b.unit(), b.amount(), b.hard(), b.thresholdPct());
            }
        }
        Budgets budgets = new Budgets(store, ledger);
        refuseAnothersName(budgets, b);
        if (b.scope() == Budget.Scope.KEY && b.subject().startsWith("key_") && new VirtualKeys(store, clock).byId(b.subject()) == null) {
            // a budget on a key id nobody was given would never be reached, like one on an unknown person
            throw new IllegalArgumentException("--key " + b.subject() + ": no such key (see 'tally keys list')");
        }
        boolean added = b.scope() == Budget.Scope.PERSON && knownOrCreated(b.subject(), s.create(), Fields.zone("zone", s.zone()));
        budgets.set(b);
        String said = alias == null ? b.describe()
                : b.describe() + " (" + alias + " resolves to person " + b.subject() + ", so the budget is set for " + b.subject() + ")";
        return new Saved(added, said);
    }

    /** A name is one budget's: saving another scope or subject under it would silently replace that one. */
    private static void refuseAnothersName(Budgets budgets, Budget b) {
        for (Budget old : budgets.list()) {
            if (old.name().equals(b.name()) && (old.scope() != b.scope() || !java.util.Objects.equals(old.subject(), b.subject()))) {
                throw new IllegalArgumentException("budget name '" + b.name() + "' is " + old.who() + "'s; choose another"
                        + " --name, or remove that budget first (budgets rm " + b.name() + ")");
            }
        }
    }

    /** The name the CLI gives a budget by default: scope:subject:period (e.g. person:alice:monthly). */
    private static String defaultName(Budget b, String subject) {
        return b.scope().label() + ":" + subject + ":" + b.period().label();
    }

    /** A budget for a name nobody uses would never be reached: refuse it unless asked to create the person. */
    private boolean knownOrCreated(String person, boolean create, ZoneId zone) {
        if (people.exists(person) || !people.resolve(person).equals(person) || hasRecords(person, zone)) return false;
        if (!create) {
            throw new IllegalArgumentException("--person " + person + ": nobody by that name is known (no person, alias or records; "
                    + "see 'tally people list'). Check the spelling, or add --create to add " + person + " as a new person");
        }
        people.add(person, null);
        return true;
    }

    private boolean hasRecords(String person, ZoneId zone) {
        Instant now = clock.instant();
        UsageQuery all = UsageQuery.of(Instant.EPOCH, now.plus(Duration.ofDays(366)), Dimension.USER, zone);
        return ledger.totals(all.withPerson(person)).requests() > 0;
    }

    public List<Line> list(ListRequest r) {
        ZoneId zone = Fields.zone("zone", r.zone());
        Budgets budgets = new Budgets(store, ledger);
        Instant now = clock.instant();
        List<Line> out = new ArrayList<>();
        java.util.Set<String> expanded = new java.util.HashSet<>();
        for (Budget b : budgets.effective(now, zone)) {
            Budgets.Spend spend = budgets.spend(b, now, zone);
            out.add(new Line(b, spend.total(), spend.bySource(), b.period().end(now, zone)));
            expanded.add(b.name());
        }
        // a default nobody has spent against yet is still set: listed once, for "each person", at zero
        for (Budget b : budgets.list()) {
            if (b.isDefault() && !expanded.contains(b.name())) out.add(new Line(b, 0, Map.of(), b.period().end(now, zone)));
        }
        return out;
    }

    public Removed remove(Remove r) {
        return new Removed(new Budgets(store, ledger).remove(r.name()));
    }
}
