package tally.app;

import tally.identity.People;
import tally.ingest.IngestWriter;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.Ledger;
import tally.store.Store;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * The use cases, built once per process from the store, the price catalog, the ingest writer and
 * the clock. The CLI (locally), the REST API and the alerts' scheduled reports call these objects;
 * a CLI command beside a running server reaches the same objects through {@link Ops} over HTTP.
 */
public final class App {
    private final Keys keys;
    private final PeopleAdmin people;
    private final BudgetAdmin budgets;
    private final Tokens tokens;
    private final Recording recording;
    private final Reports reports;
    private final Totals totals;
    private final Recent recent;
    private final StatusLine statusLine;
    private final Top top;
    private final Export export;
    private final Activity activity;
    private final Blocks blocks;
    private final Reconcile reconcile;
    private final Reprice reprice;
    private final Compare compare;
    private final Imports imports;
    private final AnthropicImport anthropic;
    private final AwsCostsAdmin awsCosts;
    private final ProjectsAdmin projects;
    private final Pruning pruning;

    /** The catalog and writer are suppliers: a read-only command never loads prices or starts a writer it does not use. */
    public App(Store store, Ledger ledger, People people, Supplier<PriceCatalog> catalog, Supplier<IngestWriter> writer, Clock clock) {
        this.keys = new Keys(store, clock);
        this.people = new PeopleAdmin(people);
        this.budgets = new BudgetAdmin(store, ledger, people, clock);
        this.tokens = new Tokens(store, clock);
        this.recording = new Recording(ledger, catalog, writer, store.config().describe());
        this.reports = new Reports(store, ledger, people, catalog, clock);
        this.totals = new Totals(ledger);
        this.recent = new Recent(store, people, catalog);
        this.statusLine = new StatusLine(store, ledger, people, clock);
        this.top = new Top(ledger);
        this.export = new Export(ledger);
        this.activity = new Activity(store, ledger, people);
        this.blocks = new Blocks(ledger, people);
        this.reconcile = new Reconcile(store, catalog);
        this.reprice = new Reprice(ledger, catalog);
        this.compare = new Compare(ledger, people, catalog);
        this.imports = new Imports(ledger, new ImportOffsets(store), catalog, clock);
        this.anthropic = new AnthropicImport(store, people, clock);
        this.awsCosts = new AwsCostsAdmin(store);
        this.projects = new ProjectsAdmin(store, clock);
        this.pruning = new Pruning(ledger, clock);
    }

    public Keys keys() {
        return keys;
    }

    public PeopleAdmin people() {
        return people;
    }

    public BudgetAdmin budgets() {
        return budgets;
    }

    public Tokens tokens() {
        return tokens;
    }

    public Recording recording() {
        return recording;
    }

    public Reports reports() {
        return reports;
    }

    public Totals totals() {
        return totals;
    }

    public Recent recent() {
        return recent;
    }

    public StatusLine statusLine() {
        return statusLine;
    }

    public Top top() {
        return top;
    }

    public Export export() {
        return export;
    }

    public Activity activity() {
        return activity;
    }

    public Blocks blocks() {
        return blocks;
    }

    public Reconcile reconcile() {
        return reconcile;
    }

    public Reprice reprice() {
        return reprice;
    }

    public Compare compare() {
        return compare;
    }

    public Imports imports() {
        return imports;
    }

    public AnthropicImport anthropic() {
        return anthropic;
    }

    public AwsCostsAdmin awsCosts() {
        return awsCosts;
    }

    public ProjectsAdmin projects() {
        return projects;
    }

    public Pruning pruning() {
        return pruning;
    }
}
