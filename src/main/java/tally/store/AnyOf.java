package tally.store;

import java.util.List;

/**
 * Filters that admit any of several values (the CLI's repeatable --user/--team/--model/--source);
 * an empty list admits everything. A model family matches every stored model whose id contains it
 * ("opus", "sonnet-4-5"), so one word covers a family's dated versions.
 */
public record AnyOf(List<String> people, List<String> teams, List<String> models, List<String> modelFamilies,
                    List<String> sources, List<String> projects, List<String> costCenters, List<String> regions) {
    public static final AnyOf NONE = new AnyOf(List.of(), List.of(), List.of(), List.of(), List.of());

    public AnyOf {
        people = copy(people);
        teams = copy(teams);
        models = copy(models);
        modelFamilies = copy(modelFamilies);
        sources = copy(sources);
        projects = copy(projects);
        costCenters = copy(costCenters);
        regions = copy(regions);
    }

    public AnyOf(List<String> people, List<String> teams, List<String> models, List<String> modelFamilies,
                 List<String> sources) {
        this(people, teams, models, modelFamilies, sources, List.of(), List.of(), List.of());
    }

    public AnyOf(List<String> people, List<String> teams, List<String> models, List<String> modelFamilies,
                 List<String> sources, List<String> projects, List<String> costCenters) {
        this(people, teams, models, modelFamilies, sources, projects, costCenters, List.of());
    }

    /** Also only records of these projects and cost centers (as resolved through the project rules). */
    public AnyOf withProjects(List<String> projectNames, List<String> centers) {
        return new AnyOf(people, teams, models, modelFamilies, sources, projectNames, centers, regions);
    }

    /** Also only records of these regions ("(none)": records without one). */
    public AnyOf withRegions(List<String> regionNames) {
        return new AnyOf(people, teams, models, modelFamilies, sources, projects, costCenters, regionNames);
    }

    private static List<String> copy(List<String> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    /** Whether answering needs each row's person or team (the people and aliases joins). */
    boolean needsPeople() {
        return !people.isEmpty() || !teams.isEmpty();
    }

    boolean filtersModels() {
        return !models.isEmpty() || !modelFamilies.isEmpty();
    }
}
