package tally.store;

/**
 * How a row's raw project tag becomes a project and a cost center, when reading: the longest rule
 * pattern it matches names its project, else the tag itself; the project's cost center comes from
 * the projects table. Resolved at read time (like people and aliases), so a new rule re-attributes
 * history without rewriting records or rollups. Rules are few, so a scalar subquery per row is cheap.
 */
final class ProjectRules {
    private ProjectRules() {}

    /**
     * The project of a rollup or ledger row aliased {@code row}; "(none)" when it has no tag. A rule maps
     * tags: a row without one (null in the ledger, '' in the rollups) matches none, not even {@code *}.
     */
    static String project(String row) {
        return "coalesce((SELECT pr.project FROM project_rules pr WHERE nullif(" + row + ".project, '') LIKE pr.pattern ESCAPE '\\'"
                + " ORDER BY length(pr.pattern) DESC, pr.pattern LIMIT 1), nullif(" + row + ".project, ''), '(none)')";
    }

    /** The cost center of a row aliased {@code row}; "(none)" when its project has none. */
    static String costCenter(String row) {
        return "coalesce((SELECT pj.cost_center FROM projects pj WHERE pj.name = " + project(row) + "), '(none)')";
    }

    static final String PROJECT = project("r");
    static final String COST_CENTER = costCenter("r");

    /** A glob ({@code *} any run of characters, slashes included; {@code ?} one character) as a LIKE pattern. */
    static String likePattern(String glob) {
        StringBuilder sb = new StringBuilder(glob.length() + 4);
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            switch (ch) {
                case '*' -> {
                    if (sb.length() == 0 || sb.charAt(sb.length() - 1) != '%' || endsEscaped(sb)) sb.append('%');
                }
                case '?' -> sb.append('_');
                case '%', '_', '\\' -> sb.append('\\').append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static boolean endsEscaped(StringBuilder sb) {
        return sb.length() >= 2 && sb.charAt(sb.length() - 2) == '\\';
    }
}
