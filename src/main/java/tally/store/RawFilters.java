package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A usage question's filters over raw ledger rows (usage_events, unaliased). Person and team
 * filters are turned into the raw identities they cover first, so raw rows are never joined. An
 * assumed-role ARN resolves through its role and session too ({@link Identities}), so the ARNs the
 * ledger holds are resolved once per question and counted only where they resolve.
 */
final class RawFilters {
    private RawFilters() {}

    /** Adds a condition for every filter of q to {@code where}. */
    static Where addTo(Connection c, UsageQuery q, Where where) throws SQLException {
        List<Arn> arns = q.person() != null || q.team() != null || q.anyOf().needsPeople() ? assumedRoles(c) : List.of();
        if (q.person() != null) where.in("identity", identitiesOfPerson(c, q.person(), arns));
        if (q.team() != null) where.and(teamCondition(c, q.team(), arns));
        if (q.model() != null) where.and("model = ?", q.model());
        if (q.source() != null) where.and(UsageFilters.source("source", q.source()));
        if (q.identity() != null) where.and(Identities.keyIs("identity"), q.identity(), q.identity());
        AnyOf f = q.anyOf();
        if (!f.people().isEmpty()) {
            Set<String> ids = new LinkedHashSet<>();
            for (String p : f.people()) ids.addAll(identitiesOfPerson(c, p, arns));
            where.in("identity", ids);
        }
        if (!f.teams().isEmpty()) {
            List<Where.Condition> any = new ArrayList<>();
            for (String t : f.teams()) any.add(teamCondition(c, t, arns));
            where.and(Where.Condition.anyOf(any));
        }
        UsageFilters.modelsAndSources(where, f, "model", "source");
        if (!f.projects().isEmpty()) where.in(ProjectRules.project("usage_events"), f.projects());
        if (!f.costCenters().isEmpty()) where.in(ProjectRules.costCenter("usage_events"), f.costCenters());
        if (!f.regions().isEmpty()) where.in(Regions.region("usage_events"), f.regions());
        return where;
    }

    /** An assumed-role ARN in the ledger, the person it resolves to and their team. */
    private record Arn(String identity, String person, String team) {}

    /**
     * Most ledgers hold no ARN: the five joins that resolve them are then not planned at all, a
     * quarter of a person's or team's top on DuckDB at 10M records besides the page (about 3 of 12 ms
     * before it; the check alone is 0.3 ms).
     */
    private static List<Arn> assumedRoles(Connection c) throws SQLException {
        if (Jdbc.query(c, Identities.ANY_ASSUMED_ROLE, List.of(), rs -> 1).isEmpty()) return List.of();
        return Jdbc.query(c, Identities.ASSUMED_ROLES, List.of(), rs -> new Arn(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    /** {@code ids} with the ledger's ARNs counted only where they resolve to a match. */
    private static Set<String> withArns(Set<String> ids, List<Arn> arns, Predicate<Arn> matches) {
        for (Arn a : arns) {
            if (matches.test(a)) ids.add(a.identity());
            else ids.remove(a.identity());
        }
        return ids;
    }

    /** The raw identities that count as this person: their aliases and their name, less identities mapped to someone else. */
    private static Set<String> identitiesOfPerson(Connection c, String person, List<Arn> arns) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        boolean nameMappedElsewhere = false;
        // one statement for both (each costs DuckDB a millisecond or two of planning); an alias maps to one
        // person, so of the identities mapped to someone else only the name itself can be among this person's
        for (String[] a : Jdbc.query(c, Identities.ALIASES_OF_OR_NAMED, List.of(person, person),
                rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            if (a[1].equals(person)) ids.add(a[0]);
            else nameMappedElsewhere = true;
        }
        // an identity mapped to someone else is not this person's, even if it spells their name
        if (!nameMappedElsewhere) ids.add(person);
        return withArns(ids, arns, a -> a.person().equals(person));
    }

    /**
     * A record's team is its own tag, else its person's team, else "(none)" (as the rollup reports
     * cut it): tagged records match on the tag, untagged ones on the identities of the team's people.
     */
    private static Where.Condition teamCondition(Connection c, String team, List<Arn> arns) throws SQLException {
        Where.Condition untagged = Where.Condition.of("(team IS NULL OR team = '')");
        if (team.equals("(none)")) {
            // untagged, and the person has no team
            Set<String> teamed = withArns(identitiesOf(c, Identities.TEAMED), arns, a -> a.team() != null && !a.team().isEmpty());
            return teamed.isEmpty() ? Where.Condition.allOf(List.of(untagged))
                    : Where.Condition.allOf(List.of(untagged, Where.Condition.notIn("identity", teamed)));
        }
        Set<String> ids = withArns(identitiesOf(c, Identities.OF_TEAM, team, team), arns, a -> team.equals(a.team()));
        Where.Condition tagged = Where.Condition.of("team = ?", team);
        if (ids.isEmpty()) return Where.Condition.anyOf(List.of(tagged));
        return Where.Condition.anyOf(List.of(tagged,
                Where.Condition.allOf(List.of(untagged, Where.Condition.in("identity", ids)))));
    }

    private static Set<String> identitiesOf(Connection c, String sql, Object... params) throws SQLException {
        return new LinkedHashSet<>(Jdbc.query(c, sql, List.of(params), rs -> rs.getString(1)));
    }
}
