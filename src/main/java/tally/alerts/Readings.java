package tally.alerts;

import tally.budget.Budgets;
import tally.store.ActivityLog;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.ReadingsQueries;
import tally.store.Store;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** What rules read at one evaluation: the query layer, telemetry activity and budgets, at one instant. */
public record Readings(Store store, Ledger ledger, ActivityLog activity, Budgets budgets, ZoneId zone, Instant now) {

    /** Usage in [from, to) for a scope: one row per team, person or model, or one row for a subject; only what the filter lets through. */
    List<UsageRow> byScope(Scope scope, String subject, RuleFilter filter, Instant from, Instant to) {
        UsageQuery q = filter.apply(UsageQuery.of(from, to, Dimension.USER, zone));
        if (scope == Scope.ORGANIZATION) return List.of(ledger.totals(q).withKey("organization"));
        if (subject != null) {
            UsageQuery one = switch (scope) {
                case TEAM -> q.withTeam(subject);
                case PERSON -> q.withPerson(subject);
                case KEY -> q.withIdentity(subject);
                case MODEL -> q.withModel(subject);
                case ORGANIZATION -> q;
            };
            return List.of(ledger.totals(one).withKey(subject));
        }
        Dimension by = switch (scope) {
            case TEAM -> Dimension.TEAM;
            case MODEL -> Dimension.MODEL;
            case PERSON -> Dimension.USER;
            default -> throw new IllegalArgumentException("a key rule needs a subject (the key id)");
        };
        return ledger.usage(q.withBy(by)).stream()
                .filter(r -> !(scope == Scope.TEAM && r.key().equals("(none)"))).toList();
    }

    /** Per person: the longest response and how many were over {@code outputTokens}, in [from, to). */
    record LongResponses(String person, long longest, long count) {}

    /**
     * Read from the raw records (rollups do not keep single responses), limited to the window by
     * the time column every ledger probe uses.
     */
    List<LongResponses> longResponses(Instant from, Instant to, long outputTokens) {
        List<LongResponses> out = new ArrayList<>();
        for (ReadingsQueries.LongResponses r : new ReadingsQueries(store).longResponses(from, to, outputTokens)) {
            out.add(new LongResponses(r.person(), r.longest(), r.count()));
        }
        return out;
    }
}
