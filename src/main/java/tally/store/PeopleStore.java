package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The people table: names and their teams. */
public final class PeopleStore {
    private final Store store;

    public PeopleStore(Store store) {
        this.store = store;
    }

    /** Adds a person, or updates the team of an existing one; a null team leaves an existing person's team as it is. */
    public void save(String name, String team, long nowMs) {
        try (Connection c = store.connection()) {
            boolean exists = !Jdbc.query(c, "SELECT 1 FROM people WHERE name = ?", List.of(name), rs -> 1).isEmpty();
            if (!exists) Jdbc.update(c, "INSERT INTO people (team, name, created_ms) VALUES (?, ?, ?)", Jdbc.text(team), name, nowMs);
            else if (team != null) Jdbc.update(c, "UPDATE people SET team = ? WHERE name = ?", team, name);
        } catch (SQLException e) {
            throw new StoreException("cannot save person '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Adds a person without a team, or takes an existing one's team away. */
    public void clearTeam(String name, long nowMs) {
        try (Connection c = store.connection()) {
            if (Jdbc.update(c, "UPDATE people SET team = NULL WHERE name = ?", name) == 0) {
                Jdbc.update(c, "INSERT INTO people (team, name, created_ms) VALUES (NULL, ?, ?)", name, nowMs);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot save person '" + name + "': " + e.getMessage(), e);
        }
    }

    public boolean exists(String name) {
        return !Jdbc.query(store, "SELECT 1 FROM people WHERE name = ?", List.of(name), rs -> 1, PeopleStore::readFailed).isEmpty();
    }

    /** Every person's team (null: none), by name. */
    public Map<String, String> teams() {
        Map<String, String> out = new LinkedHashMap<>();
        Jdbc.query(store, "SELECT name, team FROM people ORDER BY name", List.of(),
                rs -> out.put(rs.getString(1), rs.getString(2)), PeopleStore::readFailed);
        return out;
    }

    private static StoreException readFailed(SQLException e) {
        return new StoreException("cannot read people: " + e.getMessage(), e);
    }
}
