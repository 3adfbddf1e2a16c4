package tally.gateway;

import tally.core.AliasKeys;
import tally.identity.People;
import tally.identity.Person;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * People and aliases held in memory, so attributing a request never waits on the store. Reloaded
 * with the other gateway state; a newly mapped alias applies from the next reload.
 */
final class Directory {
    private record Snapshot(Map<String, String> personOf, Map<String, String> teamOf) {}

    private final People people;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    Directory(People people) {
        this.people = people;
    }

    /** Blocking: call off the event loop. */
    void reload() {
        List<Person> all = people.list();
        Map<String, String> personOf = new HashMap<>();
        Map<String, String> teamOf = new HashMap<>();
        for (Person p : all) {
            if (p.team() != null) teamOf.put(p.name(), p.team());
            for (String a : p.aliases()) personOf.put(a, p.name());
        }
        snapshot = new Snapshot(personOf, teamOf);
    }

    /** The person of a raw identity, by the reports' rule: an assumed-role ARN also by its role and session name. */
    String person(String identity) {
        for (String key : AliasKeys.of(identity)) {
            String person = snapshot.personOf.get(key);
            if (person != null) return person;
        }
        return AliasKeys.shown(identity);
    }

    String team(String person) {
        return snapshot.teamOf.get(person);
    }
}
