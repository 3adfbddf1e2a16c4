package tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A usage question's filters over raw ledger rows (usage_events, unaliased). Person and team
 * filters are turned into the raw identities they cover first, so raw rows are never joined.
 */
final class RawFilters {
    private RawFilters() {}

    /** Appends " AND …" conditions for every filter of q to {@code where}. */
    static void append(Connection c, UsageQuery q, StringBuilder where, List<Object> params) throws SQLException {
        if (q.person() != null) in(where, params, "identity", identitiesOfPerson(c, q.person()));
        if (q.team() != null) where.append(" AND ").append(teamClause(c, q.team(), params));
        if (q.model() != null) { where.append(" AND model = ?"); params.add(q.model()); }
        if (q.source() != null) Ledger.sourceFilter("source", q.source(), where, params);
        if (q.identity() != null) { where.append(" AND identity = ?"); params.add(q.identity()); }
        AnyOf f = q.anyOf();
        if (!f.people().isEmpty()) {
            Set<String> ids = new LinkedHashSet<>();
            for (String p : f.people()) ids.addAll(identitiesOfPerson(c, p));
            in(where, params, "identity", ids);
        }
        if (!f.teams().isEmpty()) {
            StringJoiner any = new StringJoiner(" OR ", " AND (", ")");
            for (String t : f.teams()) any.add(teamClause(c, t, params));
            where.append(any);
        }
        Ledger.anyOf(new AnyOf(null, null, f.models(), f.modelFamilies(), f.sources()), null, null, "model", "source",
                where, params);
    }

    /** The raw identities that count as this person: their aliases and their name, less identities mapped to someone else. */
    private static Set<String> identitiesOfPerson(Connection c, String person) throws SQLException {
        Set<String> ids = identitiesOf(c, "SELECT alias FROM aliases WHERE person = ?", person);
        ids.add(person);
        // an identity mapped to someone else is not this person's, even if it spells their name
        ids.removeAll(identitiesOf(c, "SELECT alias FROM aliases WHERE person <> ?", person));
        return ids;
    }

    /**
     * A record's team is its own tag, else its person's team, else "(none)" (as the rollup reports
     * cut it): tagged records match on the tag, untagged ones on the identities of the team's people.
     */
    private static String teamClause(Connection c, String team, List<Object> params) throws SQLException {
        StringBuilder where = new StringBuilder();
        if (team.equals("(none)")) {
            // untagged, and the person has no team
            Set<String> teamed = identitiesOf(c, "SELECT alias FROM aliases WHERE person IN (SELECT name FROM people"
                    + " WHERE team IS NOT NULL AND team <> '') UNION SELECT name FROM people WHERE team IS NOT NULL AND team <> ''", null);
            where.append("((team IS NULL OR team = '')");
            if (!teamed.isEmpty()) {
                where.append(" AND NOT");
                inList(where, params, "identity", teamed);
            }
            return where.append(")").toString();
        }
        Set<String> ids = identitiesOf(c, "SELECT alias FROM aliases WHERE person IN (SELECT name FROM people WHERE team = ?)"
                + " UNION SELECT name FROM people WHERE team = ? AND name NOT IN (SELECT alias FROM aliases)", team);
        where.append("(team = ?");
        params.add(team);
        if (!ids.isEmpty()) {
            where.append(" OR ((team IS NULL OR team = '') AND");
            inList(where, params, "identity", ids);
            where.append(")");
        }
        return where.append(")").toString();
    }

    private static void in(StringBuilder where, List<Object> params, String column, Set<String> values) {
        where.append(" AND");
        inList(where, params, column, values);
    }

    private static void inList(StringBuilder where, List<Object> params, String column, Set<String> values) {
        if (values.isEmpty()) {
            where.append(" 1 = 0");
            return;
        }
        where.append(" ").append(column).append(" IN (");
        int i = 0;
        for (String v : values) {
            where.append(i++ == 0 ? "?" : ", ?");
            params.add(v);
        }
        where.append(")");
    }

    private static Set<String> identitiesOf(Connection c, String sql, String param) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = (int) sql.chars().filter(ch -> ch == '?').count();
            for (int i = 1; i <= n; i++) ps.setString(i, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Long l) ps.setLong(i + 1, l);
            else if (p instanceof Integer n) ps.setInt(i + 1, n);
            else ps.setString(i + 1, (String) p);
        }
    }
}
