package tally.budget;

import tally.store.ProjectStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The project rules held in memory, so the gateway can tell a request's project and cost center
 * without the store: the same answer the store's queries give (the longest matching glob names the
 * project, else the tag itself; "(none)" without a tag).
 */
public final class ProjectTags {
    public static final String NONE = "(none)";
    public static final ProjectTags EMPTY = new ProjectTags(List.of(), Map.of());

    private record Rule(Pattern glob, String project) {}

    private final List<Rule> rules;
    private final Map<String, String> costCenters;

    private ProjectTags(List<Rule> rules, Map<String, String> costCenters) {
        this.rules = rules;
        this.costCenters = costCenters;
    }

    /** {@code rules} in the order they are tried (longest pattern first), as {@link ProjectStore#rules} gives them. */
    public static ProjectTags of(List<ProjectStore.Rule> rules, List<ProjectStore.Project> projects) {
        List<Rule> compiled = new ArrayList<>();
        for (ProjectStore.Rule r : rules) compiled.add(new Rule(glob(r.glob()), r.project()));
        Map<String, String> centers = new HashMap<>();
        for (ProjectStore.Project p : projects) if (p.costCenter() != null) centers.put(p.name(), p.costCenter());
        return new ProjectTags(List.copyOf(compiled), Map.copyOf(centers));
    }

    /** The project a raw tag resolves to. */
    public String project(String tag) {
        if (tag == null) return NONE;
        for (Rule r : rules) if (r.glob().matcher(tag).matches()) return r.project();
        return tag.isEmpty() ? NONE : tag;
    }

    /** The cost center of the project a raw tag resolves to, or "(none)". */
    public String costCenter(String tag) {
        return costCenters.getOrDefault(project(tag), NONE);
    }

    /** {@code *} any run of characters (slashes included), {@code ?} one character, everything else literal. */
    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (ch == '*') re.append(".*");
            else if (ch == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
