package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.AnthropicImport;
import tally.app.Ops;
import tally.core.Figures;
import tally.core.TokenCounts;
import tally.importers.anthropic.AdminApiClient;
import tally.importers.anthropic.AdminImporter;
import tally.report.TextTable;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

@Command(name = "anthropic", description = "Import the Anthropic Admin API's usage, cost and Claude Code reports "
        + "(admin key from $ANTHROPIC_ADMIN_KEY). Kept apart from the ledger: compare with 'tally reconcile'.")
final class ImportAnthropicCommand implements Runnable {
    static final String KEY_PROPERTY = "tally.anthropic.admin.key";

    @Spec CommandSpec spec;

    @Option(names = "--since", required = true, paramLabel = "DATE", description = "First UTC day, YYYY-MM-DD.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Last UTC day, included (default: today).")
    String until;

    @Option(names = "--base-url", paramLabel = "URL", description = "Admin API base URL (default: $ANTHROPIC_ADMIN_BASE_URL or "
            + AdminApiClient.DEFAULT_BASE_URL + ").")
    String baseUrl;

    @Override
    public void run() {
        GlobalOptions g = ImportCommand.global(spec);
        LocalDate from = date("--since", since);
        LocalDate to = until == null ? LocalDate.now(ZoneOffset.UTC) : date("--until", until);
        if (to.isBefore(from)) throw new UserError("--since " + from + " is after --until " + to);
        String key = System.getenv("ANTHROPIC_ADMIN_KEY");
        if (key == null) key = System.getProperty(KEY_PROPERTY); // for an embedding process (and tests)
        if (key == null || key.isBlank()) throw new UserError("set ANTHROPIC_ADMIN_KEY to an Admin API key (sk-ant-admin…)");
        String url = baseUrl != null ? baseUrl : System.getenv().getOrDefault("ANTHROPIC_ADMIN_BASE_URL", AdminApiClient.DEFAULT_BASE_URL);
        if (!url.startsWith("http://") && !url.startsWith("https://")) throw new UserError("--base-url: expected an http(s) URL, got '" + url + "'");
        PrintWriter out = spec.commandLine().getOut();
        try (Backend b = Backend.open(g)) {
            AnthropicImport.Imported imported = b.call(Ops.IMPORT_ANTHROPIC, new AnthropicImport.Request(from, to, url, key.trim()));
            AdminImporter.Result r = imported.result();
            out.printf("Imported Anthropic Admin reports, %s to %s (UTC): %d days, %d pages%s%n", from, to, r.days(), r.pages(),
                    r.retries() > 0 ? ", " + r.retries() + " retries after 429/5xx" : "");
            out.printf("  usage report rows:        %,d%n", r.usageRows());
            out.printf("  cost report rows:         %,d%n", r.costRows());
            out.printf("  Claude Code report rows:  %,d%n", r.claudeCodeRows());
            out.println("  kept apart from the ledger (provider-reported); compare with: tally reconcile");
            perPerson(imported.byPerson(), out);
        }
    }

    /** "One API key per developer" teams: reported usage per person, through key aliases. */
    private static void perPerson(Map<String, TokenCounts> byPerson, PrintWriter out) {
        if (byPerson.isEmpty()) return;
        out.println();
        out.println("Reported usage by developer (API keys mapped with 'tally people alias NAME apikey_…'):");
        TextTable t = new TextTable("Developer", "Input", "Output", "Cache", "Total tokens");
        byPerson.forEach((who, tk) -> t.row(who, n(tk.input()), n(tk.output()), n(tk.cacheRead() + tk.cacheWrite()), n(tk.total())));
        out.print(t.render());
    }

    private static String n(long v) {
        return Figures.grouped(v);
    }

    static LocalDate date(String flag, String v) {
        try {
            return LocalDate.parse(v.trim());
        } catch (RuntimeException e) {
            throw new UserError(flag + ": expected a date YYYY-MM-DD, got '" + v + "'");
        }
    }
}
