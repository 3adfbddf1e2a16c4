package tally.app;

import tally.identity.People;
import tally.identity.Person;

import java.util.List;

/** People, their teams and the raw identities that are theirs. */
public final class PeopleAdmin {
    /** {@code noTeam}: take the person's team away (their history then shows under no team). */
    public record Add(String name, String team, List<String> aliases, Boolean noTeam) {
        public Add(String name, String team, List<String> aliases) {
            this(name, team, aliases, null);
        }
    }

    public record Alias(String name, List<String> identities) {}

    public record Done(boolean done) {}

    private final People people;

    PeopleAdmin(People people) {
        this.people = people;
    }

    /** Adds (or updates) a person and maps their aliases; everything is checked before anything is saved. */
    public Done add(Add a) {
        List<String> aliases = a.aliases() == null ? List.of() : a.aliases();
        boolean clear = Boolean.TRUE.equals(a.noTeam());
        if (clear && a.team() != null) {
            throw new IllegalArgumentException("give a team or take it away, not both (--team and --no-team; team and noTeam)");
        }
        People.check(a.name(), a.team(), aliases);
        if (clear) people.clearTeam(a.name());
        else people.add(a.name(), a.team());
        aliases.forEach(alias -> people.alias(a.name(), alias));
        return new Done(true);
    }

    /** Maps identities to an existing person; every identity is checked before any is saved. */
    public Done alias(Alias a) {
        if (a.identities() == null || a.identities().isEmpty()) {
            throw new IllegalArgumentException("identities: required, a list of at least one raw identity");
        }
        People.check(a.name(), null, a.identities());
        a.identities().forEach(i -> people.alias(a.name(), i));
        return new Done(true);
    }

    public List<Person> list() {
        return people.list();
    }
}
