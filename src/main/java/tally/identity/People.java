package tally.identity;

import tally.core.AliasKeys;
import tally.store.AliasStore;
import tally.store.PeopleStore;
import tally.store.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * People and their aliases. Records keep the raw identity they arrived with; reports resolve it
 * through the alias table when they read, so mapping an identity later re-attributes its history.
 */
public final class People {
    private final PeopleStore people;
    private final AliasStore aliases;

    public People(Store store) {
        this.people = new PeopleStore(store);
        this.aliases = new AliasStore(store);
    }

    /** Adds a person, or updates the team of an existing one (a null team leaves theirs as it is; a new person then has none). */
    public void add(String name, String team) {
        check(name, team, List.of());
        people.save(name, team, System.currentTimeMillis());
    }

    /** Maps a raw identity to a person; remapping an alias moves it (and its history) to the new person. */
    public void alias(String person, String alias) {
        requireName(person);
        requireAlias(alias);
        if (!exists(person)) {
            throw new IllegalArgumentException("no person named '" + person + "' (add them first: tally people add " + person + ")");
        }
        aliases.save(alias, person, System.currentTimeMillis());
    }

    public boolean exists(String name) {
        return people.exists(name);
    }

    /** The person a raw identity belongs to ({@link AliasKeys}), or the identity as shown when it is not mapped. */
    public String resolve(String identity) {
        for (String key : AliasKeys.of(identity)) {
            String person = aliases.personOf(key);
            if (person != null) return person;
        }
        return AliasKeys.shown(identity);
    }

    public List<Person> list() {
        Map<String, String> teams = people.teams();
        Map<String, List<String>> byPerson = aliases.byPerson();
        List<Person> out = new ArrayList<>();
        teams.forEach((name, team) -> out.add(new Person(name, team, List.copyOf(byPerson.getOrDefault(name, List.of())))));
        return out;
    }

    /**
     * Refuses ({@link IllegalArgumentException}, naming what) a person, team (null: none given) or
     * alias that cannot be saved: a caller saving several checks them all first, so that a refusal
     * leaves nothing half-written.
     */
    public static void check(String name, String team, List<String> aliases) {
        requireName(name);
        if (aliases != null) aliases.forEach(People::requireAlias);
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("person name must not be empty");
    }

    private static void requireAlias(String alias) {
        if (alias == null || alias.isBlank()) throw new IllegalArgumentException("alias must not be empty");
    }
}
