package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.core.Figures;
import tally.core.JsonTree;
import tally.core.Nanos;
import tally.pricing.CatalogWriter;
import tally.pricing.Dated;
import tally.pricing.LongContextTier;
import tally.pricing.ModelPrice;
import tally.pricing.PriceCatalog;
import tally.pricing.Ratio;
import tally.pricing.TokenClass;
import tally.pricing.TokenRates;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code tally prices}: the price catalog in force, bundled plus the user's price file. */
@Command(name = "prices", description = "List the price catalog (USD per million tokens).")
final class PricesCommand implements Runnable {

    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table or json (json has the shape of a price file). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Override
    public void run() {
        PriceCatalog catalog = PriceCatalog.load(GlobalOptions.of(spec).pricesFile());
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) printJson(out, catalog);
        else printTable(out, catalog);
        out.flush();
    }

    private static void printJson(PrintWriter out, PriceCatalog catalog) {
        out.println(JsonTree.pretty(CatalogWriter.toJson(catalog)));
    }

    private static void printTable(PrintWriter out, PriceCatalog catalog) {
        Ratio batch = catalog.batchMultiplier();
        out.println("Price catalog " + catalog.version() + ", USD per million tokens. Batch: x" + batch.toDecimal()
                + " on every class. Web search: $" + Nanos.toDecimal(catalog.webSearchNanos() * 1000) + " per 1,000.");
        Table t = new Table("MODEL", "INPUT", "5M WRITE", "1H WRITE", "CACHE READ", "OUTPUT", "BATCH IN/OUT",
                "FROM", "ALIASES AND RULES");
        for (ModelPrice m : catalog.models()) {
            List<Dated<TokenRates>> rows = m.prices().rows();
            for (int i = 0; i < rows.size(); i++) {
                TokenRates r = rows.get(i).value();
                List<String> cells = new ArrayList<>();
                cells.add(i == 0 ? m.id() : "");
                for (TokenClass c : TokenClass.values()) cells.add(CatalogWriter.usdPerMillion(r.of(c)));
                cells.add(scaled(r.input(), batch) + "/" + scaled(r.output(), batch));
                cells.add(rows.get(i).from() == null ? "-" : CatalogWriter.date(rows.get(i).from()));
                cells.add(i == 0 ? rules(m) : "");
                t.row(cells.toArray(String[]::new));
            }
        }
        t.print(out);
    }

    private static String rules(ModelPrice m) {
        List<String> notes = new ArrayList<>();
        if (!m.aliases().isEmpty()) notes.add("aliases " + String.join(", ", m.aliases()));
        for (Dated<LongContextTier> d : m.longContext().rows()) {
            LongContextTier tier = d.value();
            notes.add("above " + Figures.grouped(tier.above()) + " input tokens the whole request "
                    + CatalogWriter.usdPerMillion(tier.rates().input()) + "/" + CatalogWriter.usdPerMillion(tier.rates().output())
                    + window(d.from(), d.until()));
        }
        if (m.bedrockRegionalPremium() != null) notes.add("Bedrock regional x" + m.bedrockRegionalPremium());
        for (Dated<Ratio> d : m.fast().rows()) {
            notes.add("fast " + (d.value().isOne() ? "standard" : "x" + d.value()) + window(d.from(), d.until()));
        }
        if (m.dataResidency() != null) notes.add("data residency x" + m.dataResidency());
        return String.join("; ", notes);
    }

    private static String window(Instant from, Instant until) {
        if (from == null && until == null) return "";
        return " (" + (from == null ? "" : "from " + CatalogWriter.date(from))
                + (from != null && until != null ? " " : "")
                + (until == null ? "" : "until " + CatalogWriter.date(until)) + ")";
    }

    private static String scaled(long nanosPerMillion, Ratio r) {
        return CatalogWriter.usdPerMillion(Nanos.scale(nanosPerMillion, r.num(), r.den()));
    }

    /** Plain aligned columns: the first left-aligned, numbers right-aligned, the last left as is. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void print(PrintWriter out) {
            int cols = rows.get(0).length;
            int[] width = new int[cols];
            for (String[] r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r[i].length());
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < cols; i++) {
                    if (i > 0) line.append("  ");
                    boolean left = i == 0 || i == cols - 1;
                    String pad = " ".repeat(width[i] - r[i].length());
                    line.append(left ? r[i] + (i == cols - 1 ? "" : pad) : pad + r[i]);
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
