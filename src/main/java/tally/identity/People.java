package tally.identity;

import tally.store.Store;
import tally.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * People and their aliases. Records keep the raw identity they arrived with; reports resolve it
 * through the alias table when they read, so mapping an identity later re-attributes its history.
 */
public final class People {
    private final Store store;

    public People(Store store) {
        this.store = store;
    }

    /** Adds a person, or updates the team of an existing one. */
    public void add(String name, String team) {
        requireName(name);
        try (Connection c = store.connection()) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM people WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            String sql = exists ? "UPDATE people SET team = ? WHERE name = ?"
                    : "INSERT INTO people (team, name, created_ms) VALUES (?, ?, ?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, team);
                ps.setString(2, name);
                if (!exists) ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot save person '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Maps a raw identity to a person; remapping an alias moves it (and its history) to the new person. */
    public void alias(String person, String alias) {
        requireName(person);
        if (alias == null || alias.isBlank()) throw new IllegalArgumentException("alias must not be empty");
        if (!exists(person)) {
            throw new IllegalArgumentException("no person named '" + person + "' (add them first: tally people add " + person + ")");
        }
        try (Connection c = store.connection()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM aliases WHERE alias = ?")) {
                del.setString(1, alias);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO aliases (alias, person, created_ms) VALUES (?, ?, ?)")) {
                ins.setString(1, alias);
                ins.setString(2, person);
                ins.setLong(3, System.currentTimeMillis());
                ins.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot save alias '" + alias + "': " + e.getMessage(), e);
        }
    }

    public boolean exists(String name) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM people WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read people: " + e.getMessage(), e);
        }
    }

    /** The person a raw identity belongs to, or the identity itself when it is not mapped. */
    public String resolve(String identity) {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT person FROM aliases WHERE alias = ?")) {
            ps.setString(1, identity);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : identity;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read aliases: " + e.getMessage(), e);
        }
    }

    public List<Person> list() {
        Map<String, String> teams = new LinkedHashMap<>();
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        try (Connection c = store.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT name, team FROM people ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    teams.put(rs.getString(1), rs.getString(2));
                    aliases.put(rs.getString(1), new ArrayList<>());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT person, alias FROM aliases ORDER BY person, alias");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> list = aliases.get(rs.getString(1));
                    if (list != null) list.add(rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read people: " + e.getMessage(), e);
        }
        List<Person> out = new ArrayList<>();
        teams.forEach((name, team) -> out.add(new Person(name, team, List.copyOf(aliases.get(name)))));
        return out;
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("person name must not be empty");
    }
}
