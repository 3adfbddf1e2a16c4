package tally.budget;

import tally.core.AliasKeys;
import tally.store.AliasStore;
import tally.store.AnyOf;
import tally.store.BudgetStore;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.ProjectStore;
import tally.store.Store;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Budget definitions in the store, and what the ledger says was spent against one. */
public final class Budgets {
    private final BudgetStore budgets;
    private final ProjectStore projects;
    private final AliasStore aliases;
    private final Ledger ledger;

    public Budgets(Store store, Ledger ledger) {
        this.budgets = new BudgetStore(store);
        this.aliases = new AliasStore(store);
        this.projects = new ProjectStore(store);
        this.ledger = ledger;
    }

    /** The project rules and cost centers as they are now, to resolve a request's project tag without the store. */
    public ProjectTags projectTags() {
        return ProjectTags.of(projects.rules(), projects.projects());
    }

    /** Adds a budget, or replaces the one with the same name. */
    public void set(Budget b) {
        if (b.amount() <= 0) throw new IllegalArgumentException("a budget's limit must be more than zero");
        if (b.thresholdPct() < 1 || b.thresholdPct() > 100) throw new IllegalArgumentException("--threshold: expected 1 to 100");
        if (b.scope() == Budget.Scope.EACH_PERSON && b.subject() != null) {
            throw new IllegalArgumentException("an each-person budget names nobody: set a person's own budget with --person");
        }
        if (b.scope() != Budget.Scope.ORG && b.scope() != Budget.Scope.EACH_PERSON && (b.subject() == null || b.subject().isBlank())) {
            throw new IllegalArgumentException("a " + b.scope().label() + " budget needs a " + b.scope().label());
        }
        budgets.save(new BudgetStore.Row(b.name(), b.scope().label(), b.subject(), b.period().label(), b.unit().label(),
                b.amount(), b.hard(), b.thresholdPct()), System.currentTimeMillis());
    }

    public boolean remove(String name) {
        return budgets.remove(name);
    }

    /**
     * Every budget, a person budget on the person its subject resolves to now: one set on an identity
     * (an email, a key fingerprint, an ARN) that has since become someone's alias is that person's, as
     * the records of that identity are (reports and the gateway both resolve identities to people).
     */
    public List<Budget> list() {
        List<Budget> out = new ArrayList<>();
        Map<String, String> personOf = null;
        for (BudgetStore.Row r : budgets.list()) {
            Budget b = new Budget(r.name(), Budget.parseScope(r.scope()), r.subject(), Budget.parsePeriod(r.period()),
                    Budget.Unit.valueOf(r.unit().toUpperCase()), r.amount(), r.hard(), r.thresholdPct());
            if (b.scope() == Budget.Scope.PERSON) {
                if (personOf == null) personOf = personByAlias();
                b = b.forPerson(resolve(personOf, b.subject()));
            }
            out.add(b);
        }
        return out;
    }

    /** Every alias's person, read once per listing. */
    private Map<String, String> personByAlias() {
        Map<String, String> out = new HashMap<>();
        aliases.byPerson().forEach((person, as) -> as.forEach(a -> out.put(a, person)));
        return out;
    }

    /** The person an identity resolves to, by the same rule as {@link tally.identity.People#resolve}. */
    private static String resolve(Map<String, String> personOf, String identity) {
        for (String key : AliasKeys.of(identity)) {
            String person = personOf.get(key);
            if (person != null) return person;
        }
        return AliasKeys.shown(identity);
    }

    /** What was spent against a budget this period: the ledger's total, and the same split by source. */
    public record Spend(long total, Map<String, Long> bySource) {
        public Spend {
            bySource = Collections.unmodifiableMap(new TreeMap<>(bySource));
        }
    }

    /**
     * What the ledger holds against a budget for the period containing {@code now}, over every
     * source: gateway, telemetry, Bedrock logs, transcripts. The ledger stores each provider request
     * once whichever sources report it (the same precedence reports use), so nothing counts twice.
     * Admin API reports are not in the ledger (they are organization totals kept for
     * reconciliation, restating the same requests) and are not counted.
     */
    public long spent(Budget b, Instant now, ZoneId zone) {
        return spend(b, now, zone).total();
    }

    /** {@link #spent}, split by source ("gateway", "bedrock", "otel-events", …). */
    public Spend spend(Budget b, Instant now, ZoneId zone) {
        long total = 0;
        Map<String, Long> bySource = new HashMap<>();
        for (UsageRow r : ledger.usage(query(b, now, zone).withBy(Dimension.SOURCE))) {
            long v = value(b, r);
            if (v == 0) continue;
            bySource.merge(r.key(), v, Long::sum);
            total = Math.addExact(total, v);
        }
        return new Spend(total, bySource);
    }

    /** What each person spent this period, for an each-person default (one query for everyone). */
    public Map<String, Long> spentByPerson(Budget b, Instant now, ZoneId zone) {
        Map<String, Long> out = new HashMap<>();
        for (UsageRow r : ledger.usage(query(b, now, zone).withBy(Dimension.USER))) out.put(r.key(), value(b, r));
        return out;
    }

    /** What each person's requests through the gateway cost this period, for an each-person default shared by a fleet. */
    public Map<String, Long> gatewaySpentByPerson(Budget b, Instant now, ZoneId zone) {
        Map<String, Long> out = new HashMap<>();
        for (UsageRow r : ledger.usage(query(b, now, zone).withBy(Dimension.USER).withSource(tally.core.Source.GATEWAY.label()))) {
            out.put(r.key(), value(b, r));
        }
        return out;
    }

    /**
     * Every budget as it applies now: each-person defaults expanded to every person with spend this
     * period who has no budget of their own for that period (others have spent nothing against it).
     */
    public List<Budget> effective(Instant now, ZoneId zone) {
        return new ArrayList<>(spentNow(now, zone, false).keySet());
    }

    /**
     * {@link #effective} with what is spent against each this period: one question per budget, and one
     * per each-person default for all its people at once (its per-person figures, not one question each).
     */
    public Map<Budget, Long> spentNow(Instant now, ZoneId zone) {
        return spentNow(now, zone, true);
    }

    private Map<Budget, Long> spentNow(Instant now, ZoneId zone, boolean withOwnSpend) {
        List<Budget> all = list();
        Map<Budget, Long> out = new java.util.LinkedHashMap<>();
        for (Budget b : all) {
            if (!b.isDefault()) {
                out.put(b, withOwnSpend ? spent(b, now, zone) : null);
                continue;
            }
            Map<String, Long> byPerson = spentByPerson(b, now, zone);
            List<String> people = new ArrayList<>(byPerson.keySet());
            Collections.sort(people);
            for (String person : people) if (!overridden(all, b, person)) out.put(b.forPerson(person), byPerson.get(person));
        }
        return out;
    }

    /** The budgets over one person: the organization's, their team's, their own (else the default), their keys'. */
    public List<Budget> over(String person, String team, Collection<String> identities) {
        List<Budget> all = list();
        List<Budget> out = new ArrayList<>();
        for (Budget b : all) {
            boolean applies = switch (b.scope()) {
                case ORG -> true;
                case PERSON -> b.subject().equals(person);
                case TEAM -> b.subject().equals(team);
                case KEY -> identities.contains(b.subject());
                case EACH_PERSON -> person != null && !overridden(all, b, person);
                case PROJECT, COST_CENTER -> false; // over a project's work, whoever does it
            };
            if (applies) out.add(b.isDefault() ? b.forPerson(person) : b);
        }
        return out;
    }

    /** A person's own budget for the same period replaces the each-person default for them. */
    public static boolean overridden(List<Budget> all, Budget eachPerson, String person) {
        for (Budget b : all) {
            if (b.scope() == Budget.Scope.PERSON && b.subject().equals(person) && b.period() == eachPerson.period()) return true;
        }
        return false;
    }

    private static UsageQuery query(Budget b, Instant now, ZoneId zone) {
        UsageQuery q = UsageQuery.of(b.period().start(now, zone), b.period().end(now, zone), Dimension.USER, zone);
        return switch (b.scope()) {
            case ORG -> q;
            case PERSON -> q.withPerson(b.subject());
            case TEAM -> q.withTeam(b.subject());
            case KEY -> q.withIdentity(b.subject());
            case EACH_PERSON -> b.subject() == null ? q : q.withPerson(b.subject());
            case PROJECT -> q.withAnyOf(AnyOf.NONE.withProjects(List.of(b.subject()), List.of()));
            case COST_CENTER -> q.withAnyOf(AnyOf.NONE.withProjects(List.of(), List.of(b.subject())));
        };
    }

    private static long value(Budget b, UsageRow r) {
        return b.unit() == Budget.Unit.USD ? r.costNanos() : r.tokens().total();
    }
}
