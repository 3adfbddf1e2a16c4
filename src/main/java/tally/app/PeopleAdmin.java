package tally.app;

import tally.identity.People;
import tally.identity.Person;

import java.util.List;

/** People, their teams and the raw identities that are theirs. */
public final class PeopleAdmin {
    public record Add(String name, String team, List<String> aliases) {}

    public record Alias(String name, List<String> identities) {}

    public record Done(boolean done) {}

    private final People people;

    PeopleAdmin(People people) {
        this.people = people;
    }

    public Done add(Add a) {
        people.add(a.name(), a.team());
        if (a.aliases() != null) a.aliases().forEach(alias -> people.alias(a.name(), alias));
        return new Done(true);
    }

    public Done alias(Alias a) {
        a.identities().forEach(i -> people.alias(a.name(), i));
        return new Done(true);
    }

    public List<Person> list() {
        return people.list();
    }
}
