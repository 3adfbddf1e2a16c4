package tally.app;

import tally.core.Source;
import tally.identity.People;
import tally.pricing.ModelIds;
import tally.pricing.PriceCatalog;
import tally.pricing.ResolvedModel;
import tally.store.AnyOf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** --user, --team, --model, --source as given: a record passes when it matches any value of each. */
public record Filters(List<String> users, List<String> teams, List<String> models, List<String> sources,
                      List<String> projects, List<String> costCenters, List<String> regions) {
    public static final Filters NONE = new Filters(List.of(), List.of(), List.of(), List.of());

    public Filters {
        users = users == null ? List.of() : List.copyOf(users);
        teams = teams == null ? List.of() : List.copyOf(teams);
        models = models == null ? List.of() : List.copyOf(models);
        sources = sources == null ? List.of() : List.copyOf(sources);
        projects = projects == null ? List.of() : List.copyOf(projects);
        costCenters = costCenters == null ? List.of() : List.copyOf(costCenters);
        regions = regions == null ? List.of() : List.copyOf(regions);
    }

    public Filters(List<String> users, List<String> teams, List<String> models, List<String> sources) {
        this(users, teams, models, sources, List.of(), List.of(), List.of());
    }

    public Filters(List<String> users, List<String> teams, List<String> models, List<String> sources,
                   List<String> projects, List<String> costCenters) {
        this(users, teams, models, sources, projects, costCenters, List.of());
    }

    public boolean given() {
        return !users.isEmpty() || !teams.isEmpty() || !models.isEmpty() || !sources.isEmpty()
                || !projects.isEmpty() || !costCenters.isEmpty() || !regions.isEmpty();
    }

    /** The filters as the store takes them: people resolved through aliases, models through the catalog. */
    public AnyOf anyOf(People people, PriceCatalog catalog) {
        return anyOf(people, () -> catalog);
    }

    /** As {@link #anyOf(People, PriceCatalog)}, loading the catalog only when a model is named. */
    public AnyOf anyOf(People people, Supplier<PriceCatalog> catalogWhenNeeded) {
        PriceCatalog catalog = clean(models).isEmpty() ? null : catalogWhenNeeded.get();
        List<String> persons = new ArrayList<>();
        for (String u : clean(users)) persons.add(people.resolve(u));
        List<String> exact = new ArrayList<>();
        List<String> families = new ArrayList<>();
        for (String m : clean(models)) {
            if (!readModel(m, catalog, exact, families)) throw new IllegalArgumentException("--model: '" + m + "' names no model");
        }
        for (String s : clean(sources)) {
            try {
                Source.labelsCovered(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--source: unknown source '" + s + "' (expected one of " + sourceNames() + ")");
            }
        }
        return new AnyOf(persons, clean(teams), exact, families, clean(sources), clean(projects), clean(costCenters),
                clean(regions));
    }

    /**
     * A model as --model (and the API's model=) reads it: a spelling the catalog knows (an undated alias, a
     * Bedrock or Vertex id) goes to {@code exact} as its canonical id; another word to {@code families}, every
     * stored model whose id contains it (opus, sonnet-4-5). False when it names no model at all.
     */
    public static boolean readModel(String m, PriceCatalog catalog, List<String> exact, List<String> families) {
        ResolvedModel r = catalog.resolve(m);
        if (r.known()) return exact.add(r.canonicalId());
        String family = ModelIds.parse(m).id();
        return !family.isEmpty() && families.add(family);
    }

    private static List<String> clean(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) out.add(v.trim());
        }
        return out;
    }

    private static String sourceNames() {
        List<String> names = new ArrayList<>();
        for (Source s : Source.values()) names.add(s.label());
        names.add("otel");
        return String.join(", ", names);
    }
}
