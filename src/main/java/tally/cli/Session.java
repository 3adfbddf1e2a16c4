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
    private tally.app.App app;

    private Session(GlobalOptions options, Store store) {
        this.options = options;
        this.store = store;
        this.ledger = new Ledger(store);
        this.people = new People(store);
    }

    /**
     * Opens the store here. While {@code tally serve} owns the embedded data directory, DuckDB lets no
     * other process open it: commands that reach the server's use cases go through {@link Backend};
     * the rest say so instead of failing on a lock.
     */
    static Session open(GlobalOptions options) {
        Backend.server(options).ifPresent(s -> {
            throw new UserError("tally serve (pid " + s.pid() + ") owns " + options.dataDir() + "; this command cannot run "
                    + "beside it: stop the server, or use a shared PostgreSQL store (--db)");
        });
        StoreConfig config = config(options);
        Store ahead = options.ahead == null ? null : options.ahead.take(config).orElse(null);
        return new Session(options, ahead != null ? ahead : openStore(config));
    }

    private static Store openStore(StoreConfig config) {
        try {
            return Store.open(config);
        } catch (tally.store.StoreException e) {
            throw DataFolderError.explain(config.dataDir(), e);
        }
    }

    /**
     * For commands that only read. Where the user chose no store (no --data, TALLY_DATA or --db) and
     * ./tally-data does not exist, says so and how to get data, instead of creating an empty store
     * and printing an empty report.
     */
    static Session openForReading(GlobalOptions options) {
        if (options.dbUrl() == null && !java.nio.file.Files.exists(options.dataDir())) {
            if (!options.dataChosen()) {
                throw new UserError("no Tally data in ./" + options.dataDir() + " (choose a store with --data DIR, --db URL "
                        + "or TALLY_DATA); run `tally demo` to try it, or `tally import claude-code` to read your Claude Code logs");
            }
            // a folder named that is not there is most likely mistyped: an empty report of it would read as $0 spent
            throw new UserError("no Tally data in " + options.dataDir() + ": no such folder (commands that write,"
                    + " such as import, record or serve, create it)");
        }
        return open(options);
    }

    /** The use cases on this session's store, built once. */
    tally.app.App app() {
        if (app == null) app = new tally.app.App(store, ledger, people, this::catalog, this::writer, clock);
        return app;
    }

    static StoreConfig config(GlobalOptions options) {
        String url = options.dbUrl();
        return url == null ? StoreConfig.embedded(options.dataDir()) : StoreConfig.postgres(options.dataDir(), url);
    }

    ZoneId zone() {
        return options.zone();
    }

    /** The prices, read on first use (an import's parser threads and its writer may both ask). */
    synchronized PriceCatalog catalog() {
        if (catalog == null) catalog = catalogOf(options);
        return catalog;
    }

    /** The catalog the options choose: the --prices file, else the bundled one. */
    static PriceCatalog catalogOf(GlobalOptions options) {
        return options.pricesFile() == null ? PriceCatalog.bundled() : PriceCatalog.load(options.pricesFile());
    }

    /** The ingest writer, started on first use (it replays whatever an earlier run left in the spool). */
    IngestWriter writer() {
        return writer(Spool.Sync.ALWAYS);
    }

    /** {@link #writer()}, its spool forced as {@code sync} says if this call starts it. */
    IngestWriter writer(Spool.Sync sync) {
        if (writer == null) {
            PriceCatalog prices = catalog();
            writer = new IngestWriter(ledger, new Spool(store.config().spoolDir(), sync), prices::price, IngestWriter.Options.DEFAULT);
        }
        return writer;
    }

    @Override
    public void close() {
        if (writer != null) writer.close();
        store.close();
    }
}
