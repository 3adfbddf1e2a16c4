package tally.store;

import tally.core.AliasKeys;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An identity's person resolved in Java, by the same rule as {@link Identities#person} ({@link AliasKeys}:
 * the first alias found of the identity, of an assumed-role ARN's session name, its role and its IAM
 * role; else the identity as shown, an assumed-role ARN as its session name). The aliases are read once,
 * when made: a series split by person then groups by identity and resolves its few hundred
 * identities here, instead of joining the aliases four times to every rollup row. Not kept across
 * questions, so an alias added since is seen by the next one.
 */
final class PersonOf {
    private final Map<String, String> aliases;
    private final Map<String, String> resolved = new HashMap<>();
    private final Map<String, String> identityOf = new HashMap<>();
    private boolean shared;

    PersonOf(Map<String, String> aliases) {
        this.aliases = aliases;
    }

    /** With every alias of the store, read on connection {@code c}. */
    static PersonOf read(Connection c) throws SQLException {
        Map<String, String> aliases = new HashMap<>();
        Jdbc.query(c, Identities.ALL_ALIASES, List.of(), rs -> aliases.put(rs.getString(1), rs.getString(2)));
        return new PersonOf(aliases);
    }

    /** The person of {@code identity} (each identity resolved once). */
    String of(String identity) {
        String person = resolved.get(identity);
        if (person == null) {
            person = resolve(identity);
            resolved.put(identity, person);
            String first = identityOf.putIfAbsent(person, identity);
            if (first != null && !first.equals(identity)) shared = true;
        }
        return person;
    }

    /** Whether two of the identities resolved so far are one person (their points must then be added up). */
    boolean shared() {
        return shared;
    }

    String resolve(String identity) {
        for (String key : AliasKeys.of(identity)) {
            String person = aliases.get(key);
            if (person != null) return person;
        }
        return AliasKeys.shown(identity);
    }
}
