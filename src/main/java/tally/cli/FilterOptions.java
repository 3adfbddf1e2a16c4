package tally.cli;

import picocli.CommandLine.Option;
import tally.core.Source;
import tally.identity.People;
import tally.pricing.ModelIds;
import tally.pricing.PriceCatalog;
import tally.pricing.ResolvedModel;
import tally.store.AnyOf;

import java.util.ArrayList;
import java.util.List;

/** --user, --team, --model, --source: repeatable, or comma lists; a record passes when it matches any value of each. */
final class FilterOptions {
    @Option(names = "--user", split = ",", paramLabel = "PERSON",
            description = "Only this developer's records (a name or any of their aliases); repeat or comma-separate for several.")
    List<String> users = new ArrayList<>();

    @Option(names = "--team", split = ",", paramLabel = "TEAM",
            description = "Only this team's records; repeat or comma-separate for several.")
    List<String> teams = new ArrayList<>();

    @Option(names = "--model", split = ",", paramLabel = "MODEL",
            description = "Only this model, in any spelling (claude-opus-4-5, an alias, a Bedrock id or ARN), or a family "
                    + "that matches every model containing it (opus, sonnet-4-5); repeat or comma-separate for several.")
    List<String> models = new ArrayList<>();

    @Option(names = "--source", split = ",", paramLabel = "SOURCE",
            description = "Only records from this source (gateway, otel, transcript, bedrock, …); repeat or comma-separate for several.")
    List<String> sources = new ArrayList<>();

    boolean given() {
        return !users.isEmpty() || !teams.isEmpty() || !models.isEmpty() || !sources.isEmpty();
    }

    /** The filters as the store takes them: people resolved through aliases, models through the catalog. */
    AnyOf anyOf(People people, PriceCatalog catalog) {
        List<String> persons = new ArrayList<>();
        for (String u : clean(users)) persons.add(people.resolve(u));
        List<String> exact = new ArrayList<>();
        List<String> families = new ArrayList<>();
        for (String m : clean(models)) {
            ResolvedModel r = catalog.resolve(m);
            if (r.known()) exact.add(r.canonicalId());
            else {
                String family = ModelIds.parse(m).id();
                if (family.isEmpty()) throw new UserError("--model: '" + m + "' names no model");
                families.add(family);
            }
        }
        for (String s : clean(sources)) {
            try {
                Source.labelsCovered(s);
            } catch (IllegalArgumentException e) {
                throw new UserError("--source: unknown source '" + s + "' (expected one of " + sourceNames() + ")");
            }
        }
        return new AnyOf(persons, clean(teams), exact, families, clean(sources));
    }

    /** The options as given, for handing to another tally process (see {@link TailCommand}). */
    List<String> asArgs() {
        List<String> out = new ArrayList<>();
        for (String u : users) out.add("--user=" + u);
        for (String t : teams) out.add("--team=" + t);
        for (String m : models) out.add("--model=" + m);
        for (String s : sources) out.add("--source=" + s);
        return out;
    }

    private static List<String> clean(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) out.add(v.trim());
        }
        return out;
    }

    private static String sourceNames() {
        List<String> names = new ArrayList<>();
        for (Source s : Source.values()) names.add(s.label());
        names.add("otel");
        return String.join(", ", names);
    }
}
