package tally.store;

import tally.core.Source;

import java.util.ArrayList;
import java.util.List;

/**
 * A usage question's filters as conditions over a rollup or ledger row r whose person and team
 * are joined ({@link Identities#people}), and the any-of filters shared with raw-row readers.
 */
final class UsageFilters {
    private UsageFilters() {}

    /** Adds every filter of q, over row r (aliases a, people p). */
    static Where addTo(Where w, UsageQuery q) {
        return addTo(w, q, true);
    }

    /** {@link #addTo(Where, UsageQuery)} over a row whose aliases are joined only when {@code aliased}. */
    static Where addTo(Where w, UsageQuery q, boolean aliased) {
        String person = Identities.person("r", aliased);
        if (q.person() != null) w.and(person + " = ?", q.person());
        if (q.team() != null) w.and(Identities.TEAM + " = ?", q.team());
        if (q.model() != null) w.and("r.model = ?", q.model());
        if (q.source() != null) w.and(source("r.source", q.source()));
        if (q.identity() != null) w.and(Identities.keyIs("r.identity"), q.identity(), q.identity());
        AnyOf f = q.anyOf();
        if (!f.people().isEmpty()) w.in(person, f.people());
        if (!f.teams().isEmpty()) w.in(Identities.TEAM, f.teams());
        modelsAndSources(w, f, "r.model", "r.source");
        if (!f.projects().isEmpty()) w.in(ProjectRules.PROJECT, f.projects());
        if (!f.costCenters().isEmpty()) w.in(ProjectRules.COST_CENTER, f.costCenters());
        if (!f.regions().isEmpty()) w.in(Regions.REGION, f.regions());
        return w;
    }

    /** q's filters over row r, as a WHERE clause. */
    static Where of(UsageQuery q) {
        return addTo(new Where(), q);
    }

    /** {@link #of(UsageQuery)} over a row whose aliases are joined only when {@code aliased}. */
    static Where of(UsageQuery q, boolean aliased) {
        return addTo(new Where(), q, aliased);
    }

    /** The any-of model and source filters over the given expressions. */
    static void modelsAndSources(Where w, AnyOf f, String model, String source) {
        if (f.filtersModels()) w.and(models(f, model));
        if (!f.sources().isEmpty()) {
            List<String> labels = new ArrayList<>();
            for (String s : f.sources()) labels.addAll(Source.labelsCovered(s));
            w.in(source, labels);
        }
    }

    /** Exact models or families (substrings of the stored id), any of them. */
    private static Where.Condition models(AnyOf f, String model) {
        List<Where.Condition> any = new ArrayList<>();
        if (!f.models().isEmpty()) any.add(Where.Condition.in(model, f.models()));
        for (String family : f.modelFamilies()) any.add(Where.Condition.of("strpos(" + model + ", ?) > 0", family));
        return Where.Condition.anyOf(any);
    }

    /** A source filter: one stored label, or the several that one name covers ("otel"). */
    static Where.Condition source(String column, String source) {
        return Where.Condition.in(column, Source.labelsCovered(source));
    }
}
