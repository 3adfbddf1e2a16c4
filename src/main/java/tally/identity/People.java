package tally.identity;

import tally.core.AliasKeys;
import tally.core.Bounds;
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

    /** Adds a person without a team, or takes an existing one's team away. */
    public void clearTeam(String name) {
        check(name, null, List.of());
        people.clearTeam(name, System.currentTimeMillis());
    }

    /** Maps a raw identity to a person; remapping an alias moves it (and its history) to the new person. */
    public void alias(String person, String alias) {
        requireName(person);
        requireAlias(alias);
        if (!exists(person)) {
            throw new IllegalArgumentException("no person named '" + person + "' (add them first: tally people add " + person + ")");
        }
        aliases.save(AliasKeys.normal(alias), person, System.currentTimeMillis()); // as records keep identities
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
     * What reports show in place of a name, by label: a person or team named so would be read as it
     * (the rows without a team, the columns summed beyond a split's widest, the totals row).
     */
    private static final Map<String, String> RESERVED = Map.of(
            "(none)", "reports show it for no team, project or region",
            "(others)", "split reports show it for the columns summed together",
            "(other)", "metrics show it for the identities summed together",
            "TOTAL", "reports show it for their totals row");

    /**
     * Refuses ({@link IllegalArgumentException}, naming what) a person, team (null: none given) or
     * alias that cannot be saved: empty, one of the labels reports use ({@link #RESERVED}), or with a
     * control character. A caller saving several checks them all first, so that a refusal leaves
     * nothing half-written.
     */
    public static void check(String name, String team, List<String> aliases) {
        requireName(name);
        if (team != null) label("team", team, " (leave it out to keep the person's team; --no-team takes it away)");
        if (aliases != null) aliases.forEach(People::requireAlias);
    }

    private static void requireName(String name) {
        label("person name", name, "");
    }

    private static void requireAlias(String alias) {
        text("alias", alias, "");
    }

    private static void label(String what, String value, String ifEmpty) {
        text(what, value, ifEmpty);
        RESERVED.forEach((label, use) -> {
            if (label.equalsIgnoreCase(value.trim())) {
                throw new IllegalArgumentException(what + " '" + value + "' is reserved: " + use);
            }
        });
    }

    private static void text(String what, String value, String ifEmpty) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(what + " must not be empty" + ifEmpty);
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character (U+"
                        + String.format("%04X", (int) value.charAt(i)) + ") at character " + i);
            }
        }
        String why = Bounds.text(what, value); // an unpaired surrogate
        if (why != null) throw new IllegalArgumentException(why);
    }
}
