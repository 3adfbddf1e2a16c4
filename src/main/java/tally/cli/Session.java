package tally.cli;

import tally.identity.People;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.time.Clock;
import java.time.ZoneId;

/** Everything one command works with, opened from the global options and closed in order. */
final class Session implements AutoCloseable {
    final GlobalOptions options;
    final Store store;
    final Ledger ledger;
    final People people;
    final Clock clock = Clock.systemUTC();
    private PriceCatalog catalog;
    private IngestWriter writer;
    /** True for a session that uses a running server's store and writer; closing it leaves them open. */
    private final boolean borrowed;

    /**
     * Set by {@code tally serve} while it runs. DuckDB admits one process, so commands the server runs
     * for other {@code tally} processes (see {@link Main}) must use its open store and writer.
     */
    static volatile Session serving;

    private Session(GlobalOptions options, Store store) {
        this.options = options;
        this.store = store;
        this.ledger = new Ledger(store);
        this.people = new People(store);
        this.borrowed = false;
    }

    private Session(Session owner, GlobalOptions options) {
        this.options = options;
        this.store = owner.store;
        this.ledger = owner.ledger;
        this.people = owner.people;
        this.writer = owner.writer();
        this.borrowed = true;
    }

    static Session open(GlobalOptions options) {
        Session s = serving;
        if (s != null && sameStore(s.store.config(), config(options))) return new Session(s, options);
        return new Session(options, Store.open(config(options)));
    }

    /**
     * For commands that only read. Where the user chose no store (no --data, TALLY_DATA or --db) and
     * ./tally-data does not exist, says so and how to get data, instead of creating an empty store
     * and printing an empty report.
     */
    static Session openForReading(GlobalOptions options) {
        if (serving == null && !options.dataChosen() && !java.nio.file.Files.exists(options.dataDir())) {
            throw new UserError("no Tally data in ./" + options.dataDir() + " (choose a store with --data DIR, --db URL "
                    + "or TALLY_DATA); run `tally demo` to try it, or `tally import claude-code` to read your Claude Code logs");
        }
        return open(options);
    }

    private static boolean sameStore(StoreConfig a, StoreConfig b) {
        return java.util.Objects.equals(a.postgresUrl(), b.postgresUrl())
                && a.dataDir().toAbsolutePath().normalize().equals(b.dataDir().toAbsolutePath().normalize());
    }

    static StoreConfig config(GlobalOptions options) {
        String url = options.dbUrl();
        return url == null ? StoreConfig.embedded(options.dataDir()) : StoreConfig.postgres(options.dataDir(), url);
    }

    ZoneId zone() {
        return options.zone();
    }

    PriceCatalog catalog() {
        if (catalog == null) {
            catalog = options.pricesFile() == null ? PriceCatalog.bundled() : PriceCatalog.load(options.pricesFile());
        }
        return catalog;
    }

    /** The ingest writer, started on first use (it replays whatever an earlier run left in the spool). */
    IngestWriter writer() {
        if (writer == null) {
            PriceCatalog prices = catalog();
            writer = new IngestWriter(ledger, new Spool(store.config().spoolDir()), prices::price, IngestWriter.Options.DEFAULT);
        }
        return writer;
    }

    @Override
    public void close() {
        if (borrowed) { // the server's: make this command's records visible, leave the rest running
            writer.flush(java.time.Duration.ofSeconds(30));
            return;
        }
        if (writer != null) writer.close();
        store.close();
    }
}
