package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * How a row's raw identity becomes a person and a team: the one place the aliases and people joins
 * are written. A row's person is the first alias found of: its identity; for an assumed-role ARN
 * ({@code arn:aws:sts::1:assumed-role/Dev/alice}), the session name ({@code alice}), the role
 * ({@code arn:aws:sts::1:assumed-role/Dev}) and the IAM role ({@code arn:aws:iam::1:role/Dev});
 * else the identity itself, an assumed-role ARN shown as its session name. So an alias of any of
 * them made after the records were stored re-attributes them. A session name (what records stored
 * before full ARNs carry) names a developer, so it outranks the role, the catch-all of a shared role. Its team is the
 * source's tag, else the person's team, else "(none)". A SQL fragment rather than a view, so each
 * query joins only what it needs and both planners see plain joins; each join is an equality on the
 * aliases' key (one row at most), its key computed by cheap string functions only for ARN rows.
 */
final class Identities {
    private Identities() {}

    /** An identity (SQL expression) that is an assumed-role ARN with a session: role and session are its 2nd and 3rd '/' parts (neither may contain '/'). */
    private static String assumedRole(String identity) {
        return identity + " LIKE 'arn:%:assumed-role/%/_%'";
    }

    /** The role of an assumed-role ARN, as an STS ARN without the session; NULL for any other identity. */
    static String roleOf(String identity) {
        return "CASE WHEN " + assumedRole(identity) + " THEN split_part(" + identity + ", '/', 1) || '/' || split_part("
                + identity + ", '/', 2) END";
    }

    /** The role of an assumed-role ARN as the IAM role ARN (no path: the STS ARN has none); NULL for any other identity. */
    static String iamRoleOf(String identity) {
        return "CASE WHEN " + assumedRole(identity) + " THEN replace(replace(split_part(" + identity + ", '/', 1),"
                + " ':sts::', ':iam::'), ':assumed-role', ':role') || '/' || split_part(" + identity + ", '/', 2) END";
    }

    /** The session name of an assumed-role ARN; NULL for any other identity. */
    static String sessionOf(String identity) {
        return "CASE WHEN " + assumedRole(identity) + " THEN split_part(" + identity + ", '/', 3) END";
    }

    /** How an unmapped identity is shown: an assumed-role ARN as its session name, any other as it is. */
    static String shown(String identity) {
        return "coalesce(" + sessionOf(identity) + ", " + identity + ")";
    }

    /** A row's key (its raw identity) as reports show and group it: an assumed-role ARN by its session name, as before ARNs were kept. */
    static String key(String row) {
        return shown(row + ".identity");
    }

    /** Rows whose key is ? (two parameters: the key, twice): the raw identity, or an assumed-role ARN's session name. */
    static String keyIs(String identity) {
        return "(" + identity + " = ? OR " + sessionOf(identity) + " = ?)";
    }

    /** The person of the row aliased {@code row}, joined by {@link #aliases(String)}. */
    static String person(String row) {
        return person(row, true);
    }

    /** {@link #person(String)}, or where no alias is stored ({@code aliased} false) the identity as shown, nothing joined. */
    static String person(String row, boolean aliased) {
        if (!aliased) return shown(row + ".identity");
        return "coalesce(a.person, a_session.person, a_role.person, a_iam.person, " + shown(row + ".identity") + ")";
    }

    /** The person of a rollup or ledger row r. */
    static final String PERSON = person("r");

    /** The team of a row r, joined by {@link #people(String)} (as p). */
    static final String TEAM = "coalesce(nullif(r.team, ''), p.team, '(none)')";

    /** The person an identity (SQL expression) resolves to, by the rule of {@link #person}, looked up rather than joined. */
    static String personOf(String identity) {
        String alias = "(SELECT person FROM aliases WHERE alias = ";
        return "coalesce(" + alias + identity + "), " + alias + sessionOf(identity) + "), " + alias + roleOf(identity)
                + "), " + alias + iamRoleOf(identity) + "), " + shown(identity) + ")";
    }

    /**
     * {@link #samePerson(String, String)} where some alias may exist; plain equality where none does
     * ({@link #anyAlias}): the look-ups cost the write path a join each for nothing then.
     */
    static String samePerson(String a, String b, boolean aliased) {
        return aliased ? samePerson(a, b) : "(" + a + " = " + b + ")";
    }

    /** Whether any alias is stored. */
    static boolean anyAlias(Connection c) throws SQLException {
        return !Jdbc.query(c, "SELECT 1 FROM aliases LIMIT 1", List.of(), rs -> 1).isEmpty();
    }

    /** Whether two identities (SQL expressions) are one person: the same, or resolving to the same person. */
    static String samePerson(String a, String b) {
        return "(" + a + " = " + b + " OR " + personOf(a) + " = " + personOf(b) + ")";
    }

    /** Joins the aliases of the row aliased {@code row}: of its identity (as a), session name, role and IAM role. */
    static String aliases(String row) {
        return aliases(row, true);
    }

    /** {@link #aliases(String)}, or nothing where no alias is stored ({@code aliased} false). */
    static String aliases(String row, boolean aliased) {
        if (!aliased) return "";
        String id = row + ".identity";
        return " LEFT JOIN aliases a ON a.alias = " + id
                + " LEFT JOIN aliases a_session ON a_session.alias = " + sessionOf(id)
                + " LEFT JOIN aliases a_role ON a_role.alias = " + roleOf(id)
                + " LEFT JOIN aliases a_iam ON a_iam.alias = " + iamRoleOf(id);
    }

    /** Joins the aliases and the person (as p) of the row aliased {@code row}. */
    static String people(String row) {
        return people(row, true);
    }

    /** {@link #people(String)}, the aliases left out where none is stored ({@code aliased} false). */
    static String people(String row, boolean aliased) {
        return aliases(row, aliased) + " LEFT JOIN people p ON p.name = " + person(row, aliased);
    }

    /**
     * Every assumed-role ARN the ledger holds (its daily rollup, kept past retention), with its person
     * and their team: raw-row filters, which cannot join, add the ARNs that resolve to whom they ask for.
     */
    static final String ASSUMED_ROLES = "SELECT d.identity, " + person("d") + ", p.team FROM (SELECT DISTINCT identity"
            + " FROM usage_rollup_daily WHERE " + assumedRole("identity") + ") d" + people("d");

    /** A row when the ledger holds any assumed-role ARN (its daily rollup), none otherwise. */
    static final String ANY_ASSUMED_ROLE = "SELECT 1 FROM usage_rollup_daily WHERE " + assumedRole("identity") + " LIMIT 1";

    // ------------------------------------------------ the other way: people back to raw identities

    /**
     * The identities in the daily rollup by who over a range of days that resolve to a person (three
     * parameters: first day, end, person), by the same joins the reports group by: a person filter
     * can then seek the rollups by identity instead of resolving every row. PostgreSQL only.
     */
    static final String OF_PERSON_IN_DAYS = "SELECT d.identity FROM (SELECT DISTINCT identity FROM " + Rollups.DAILY_WHO
            + " WHERE bucket_ms >= ? AND bucket_ms < ?) d" + aliases("d") + " WHERE " + person("d") + " = ?";

    /**
     * The aliases of a person and the alias spelling their name, with whom each maps to (two
     * parameters: the person, twice).
     */
    static final String ALIASES_OF_OR_NAMED = "SELECT alias, person FROM aliases WHERE person = ? OR alias = ?";

    /** Every alias and whom it maps to: {@link PersonOf} resolves identities with them outside the database. */
    static final String ALL_ALIASES = "SELECT alias, person FROM aliases";

    /** Identities of the people who have a team: their aliases and their names. */
    static final String TEAMED = "SELECT alias FROM aliases WHERE person IN (SELECT name FROM people"
            + " WHERE team IS NOT NULL AND team <> '') UNION SELECT name FROM people WHERE team IS NOT NULL AND team <> ''";

    /** Identities of a team's people (two parameters: the team, twice): their aliases, and unmapped names. */
    static final String OF_TEAM = "SELECT alias FROM aliases WHERE person IN (SELECT name FROM people WHERE team = ?)"
            + " UNION SELECT name FROM people WHERE team = ? AND name NOT IN (SELECT alias FROM aliases)";
}
