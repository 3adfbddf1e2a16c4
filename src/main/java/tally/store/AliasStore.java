package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The aliases table: which person a raw identity belongs to. */
public final class AliasStore {
    private final Store store;

    public AliasStore(Store store) {
        this.store = store;
    }

    /** Maps an identity to a person, replacing any earlier mapping of it. */
    public void save(String alias, String person, long nowMs) {
        store.aliasSaved(); // before the row exists: a question meanwhile joins for nothing, never misses it
        try (Connection c = store.connection()) {
            Jdbc.update(c, "DELETE FROM aliases WHERE alias = ?", alias);
            Jdbc.update(c, "INSERT INTO aliases (alias, person, created_ms) VALUES (?, ?, ?)", alias, person, nowMs);
        } catch (SQLException e) {
            throw new StoreException("cannot save alias '" + alias + "': " + e.getMessage(), e);
        }
    }

    /** The person an identity is mapped to; null when it is not mapped. */
    public String personOf(String identity) {
        List<String> person = Jdbc.query(store, "SELECT person FROM aliases WHERE alias = ?", List.of(identity),
                rs -> rs.getString(1), e -> new StoreException("cannot read aliases: " + e.getMessage(), e));
        return person.isEmpty() ? null : person.get(0);
    }

    /** Every person's aliases, in order, by person. */
    public Map<String, List<String>> byPerson() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Jdbc.query(store, "SELECT person, alias FROM aliases ORDER BY person, alias", List.of(),
                rs -> out.computeIfAbsent(rs.getString(1), p -> new ArrayList<>()).add(rs.getString(2)),
                e -> new StoreException("cannot read people: " + e.getMessage(), e));
        return out;
    }
}
