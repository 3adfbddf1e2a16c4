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

    private Session(GlobalOptions options, Store store) {
        this.options = options;
        this.store = store;
        this.ledger = new Ledger(store);
        this.people = new People(store);
    }

    static Session open(GlobalOptions options) {
        return new Session(options, Store.open(config(options)));
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
        if (writer != null) writer.close();
        store.close();
    }
}
