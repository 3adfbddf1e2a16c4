package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.AwsCostsAdmin;
import tally.app.Ops;
import tally.core.Nanos;
import tally.importers.aws.CostExplorerClient;
import tally.importers.aws.CostExplorerPull;
import tally.pricing.PriceCatalog;
import tally.store.AwsCosts;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

@Command(name = "aws-costs", description = "Import the AWS bill for Bedrock from Cost Explorer (GetCostAndUsage, daily, by usage type), "
        + "kept apart from the ledger; compare with 'tally reconcile --provider aws'.")
final class ImportAwsCostsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--since", required = true, paramLabel = "DATE", description = "First UTC day, YYYY-MM-DD.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Last UTC day, included (default: today).")
    String until;

    @Option(names = "--service", paramLabel = "NAME", description = "A Cost Explorer service to include (repeatable; default \"Amazon Bedrock\").")
    List<String> services;

    @Option(names = "--principal-tag", paramLabel = "TAG_KEY",
            description = "Also group by this cost allocation tag (the IAM principal, where CUR 2.0 / cost allocation tags give it).")
    String principalTag;

    @Mixin AwsOptions aws;

    @Override
    public void run() {
        GlobalOptions g = ImportCommand.global(spec);
        LocalDate from = ImportAnthropicCommand.date("--since", since);
        LocalDate to = until == null ? LocalDate.now(ZoneOffset.UTC) : ImportAnthropicCommand.date("--until", until);
        if (to.isBefore(from)) throw new UserError("--since " + from + " is after --until " + to);
        List<String> names = services == null || services.isEmpty() ? CostExplorerPull.DEFAULT_SERVICES : services;
        CostExplorerPull.Result pulled;
        try (CostExplorerClient client = aws.access().costExplorer()) {
            PriceCatalog catalog = Session.catalogOf(g);
            pulled = new CostExplorerPull(client, catalog).run(from, to.plusDays(1), names, principalTag);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
        try (Backend b = Backend.open(g)) {
            AwsCostsAdmin.Saved saved = b.call(Ops.IMPORT_AWS_COSTS, new AwsCostsAdmin.Save(from, to, pulled.rows()));
            print(from, to, pulled, saved, spec.commandLine().getOut());
        }
    }

    private static void print(LocalDate from, LocalDate to, CostExplorerPull.Result pulled, AwsCostsAdmin.Saved saved, PrintWriter out) {
        out.printf("Imported AWS costs (Cost Explorer), %s to %s (UTC): %d pages, %,d rows, %s%n", from, to, pulled.pages(),
                saved.rows(), usd(saved.totalNanos()));
        Map<String, Long> byModel = new TreeMap<>();
        long estimated = pulled.rows().stream().filter(AwsCosts.Row::estimated).mapToLong(AwsCosts.Row::dayMs).distinct().count();
        for (AwsCosts.Row r : pulled.rows()) byModel.merge(r.model() == null ? "(no model in usage type)" : r.model(), r.amountNanos(), Long::sum);
        byModel.forEach((m, n) -> out.printf("  %-40s %s%n", m, usd(n)));
        Map<String, Long> byPrincipal = new TreeMap<>(); // with --principal-tag: who the bill says spent it
        for (AwsCosts.Row r : pulled.rows()) if (r.principal() != null) byPrincipal.merge(r.principal(), r.amountNanos(), Long::sum);
        if (!byPrincipal.isEmpty()) out.println("  by principal (cost allocation tag):");
        byPrincipal.forEach((p, n) -> out.printf("    %-38s %s%n", p, usd(n)));
        if (estimated > 0) out.printf("  %d days still estimated by AWS; import them again once final%n", estimated);
        out.println("  kept apart from the ledger (the provider's bill); compare with: tally reconcile --provider aws");
    }

    /** To the nano-dollar: the bill's small lines must not round away. A credit is "-$10.00", as reports write it. */
    private static String usd(long nanos) {
        return nanos < 0 ? "-$" + Nanos.toDecimal(-nanos) : "$" + Nanos.toDecimal(nanos);
    }
}
