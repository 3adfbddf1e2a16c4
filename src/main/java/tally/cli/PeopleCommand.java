package tally.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.PeopleAdmin;
import tally.identity.Person;
import tally.report.CostReportWriter;
import tally.report.TextTable;

import java.util.List;

@Command(name = "people", description = "Developers, their teams and the identities that are theirs.",
        subcommands = {PeopleCommand.Add.class, PeopleCommand.Alias.class, PeopleCommand.ListPeople.class})
final class PeopleCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", description = "Add a person (or change their team), optionally with aliases.")
    static final class Add implements Runnable {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME", description = "The person's name, as reports show it.") String name;
        @Option(names = "--team", paramLabel = "TEAM", description = "Their team (reports group by it with --by team).") String team;
        @Option(names = "--no-team", description = "Take the person's team away: their usage then shows under no team.") boolean noTeam;
        @Option(names = "--alias", description = "A raw identity that is this person's (repeatable).") List<String> aliases;

        @Override
        public void run() {
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                b.call(Ops.PEOPLE_ADD, new PeopleAdmin.Add(name, team, aliases, noTeam ? Boolean.TRUE : null));
                spec.commandLine().getOut().println("saved " + name + (team == null ? noTeam ? " (no team)" : "" : " (team " + team + ")")
                        + (aliases == null ? "" : " with " + aliases.size() + " alias" + (aliases.size() == 1 ? "" : "es")));
            }
        }
    }

    @Command(name = "alias", description = "Map raw identities (key ids, emails, ARNs, …) to a person; their history follows.")
    static final class Alias implements Runnable {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME", description = "The person the identities belong to.") String name;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "IDENTITY",
                description = "Raw identities as records carry them: a key id, an email, an ARN, a login name.") List<String> identities;

        @Override
        public void run() {
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                b.call(Ops.PEOPLE_ALIAS, new PeopleAdmin.Alias(name, identities));
                spec.commandLine().getOut().println("mapped " + String.join(", ", identities) + " to " + name);
            }
        }
    }

    @Command(name = "list", description = "List people.")
    static final class ListPeople implements Runnable {
        @Spec CommandSpec spec;
        @Option(names = "--format", defaultValue = "table", description = "table or json (default table).") String format;

        @Override
        public void run() {
            try (Backend b = Backend.openForReading(GlobalOptions.of(spec))) {
                List<Person> people = b.call(Ops.PEOPLE_LIST, new Ops.None());
                if ("json".equalsIgnoreCase(format)) {
                    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                    for (Person p : people) {
                        ArrayNode al = arr.addObject().put("name", p.name()).put("team", p.team()).putArray("aliases");
                        p.aliases().forEach(al::add);
                    }
                    spec.commandLine().getOut().print(CostReportWriter.toJson(arr));
                } else if ("table".equalsIgnoreCase(format)) {
                    TextTable t = new TextTable("Name", "Team", "Aliases");
                    for (Person p : people) t.row(p.name(), p.team() == null ? "" : p.team(), String.join(", ", p.aliases()));
                    spec.commandLine().getOut().print(t.render());
                } else {
                    throw new UserError("--format: expected table or json; got '" + format + "'");
                }
            }
        }
    }
}
