package tally.cli;

import picocli.CommandLine.Option;
import tally.identity.People;
import tally.pricing.PriceCatalog;
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

    @Option(names = "--project", split = ",", paramLabel = "PROJECT",
            description = "Only this project's records (as project rules map them); repeat or comma-separate for several.")
    List<String> projects = new ArrayList<>();

    @Option(names = "--cost-center", split = ",", paramLabel = "CC",
            description = "Only records of projects in this cost center; repeat or comma-separate for several.")
    List<String> costCenters = new ArrayList<>();

    @Option(names = "--region", split = ",", paramLabel = "REGION",
            description = "Only records of calls that ran in this cloud region (us-east-1, europe-west1; (none) for first-party"
                    + " and unknown); repeat or comma-separate for several.")
    List<String> regions = new ArrayList<>();

    boolean given() {
        return !users.isEmpty() || !teams.isEmpty() || !models.isEmpty() || !sources.isEmpty()
                || !projects.isEmpty() || !costCenters.isEmpty() || !regions.isEmpty();
    }

    /** The filters as given, for a use case to resolve. */
    tally.app.Filters spec() {
        return new tally.app.Filters(users, teams, models, sources, projects, costCenters, regions);
    }

    /** The filters as the store takes them: people resolved through aliases, models through the catalog. */
    AnyOf anyOf(People people, PriceCatalog catalog) {
        return spec().anyOf(people, catalog);
    }

}
