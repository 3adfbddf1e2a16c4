package tally.store;

/**
 * How a row's raw identity becomes a person and a team: the one place the aliases and people joins
 * are written. A row's person is its identity's alias, else the identity itself; its team is the
 * source's tag, else the person's team, else "(none)". A SQL fragment rather than a view, so each
 * query joins only what it needs and both planners see plain joins.
 */
final class Identities {
    private Identities() {}

    /** The person of the row aliased {@code row}, joined by {@link #aliases(String)} (as a). */
    static String person(String row) {
        return "coalesce(a.person, " + row + ".identity)";
    }

    /** The person of a rollup or ledger row r. */
    static final String PERSON = person("r");

    /** The team of a row r, joined by {@link #people(String)} (as p). */
    static final String TEAM = "coalesce(nullif(r.team, ''), p.team, '(none)')";

    /** Joins the alias (as a) of the row aliased {@code row}. */
    static String aliases(String row) {
        return " LEFT JOIN aliases a ON a.alias = " + row + ".identity";
    }

    /** Joins the alias (as a) and the person (as p) of the row aliased {@code row}. */
    static String people(String row) {
        return aliases(row) + " LEFT JOIN people p ON p.name = " + person(row);
    }

    // ------------------------------------------------ the other way: people back to raw identities

    /** Identities mapped to a person (one parameter: the person). */
    static final String ALIASES_OF = "SELECT alias FROM aliases WHERE person = ?";

    /** Identities mapped to anyone but a person (one parameter: the person). */
    static final String ALIASES_NOT_OF = "SELECT alias FROM aliases WHERE person <> ?";

    /** Identities of the people who have a team: their aliases and their names. */
    static final String TEAMED = "SELECT alias FROM aliases WHERE person IN (SELECT name FROM people"
            + " WHERE team IS NOT NULL AND team <> '') UNION SELECT name FROM people WHERE team IS NOT NULL AND team <> ''";

    /** Identities of a team's people (two parameters: the team, twice): their aliases, and unmapped names. */
    static final String OF_TEAM = "SELECT alias FROM aliases WHERE person IN (SELECT name FROM people WHERE team = ?)"
            + " UNION SELECT name FROM people WHERE team = ? AND name NOT IN (SELECT alias FROM aliases)";
}
