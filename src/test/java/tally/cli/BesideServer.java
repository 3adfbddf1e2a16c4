package tally.cli;

import io.vertx.core.Vertx;
import tally.app.App;
import tally.app.Op;
import tally.core.Secrets;
import tally.identity.People;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.server.ServerFile;
import tally.server.TallyServer;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.web.WebApp;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What {@code tally serve} assembles for the use cases, in this process, owning an embedded data
 * directory: a CLI command on that directory then reaches it through the REST API, as beside a real
 * server. Counts the calls of each use case, so a test can tell the command went through the server.
 */
public final class BesideServer implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final Store store;
    private final IngestWriter writer;
    private final WebApp web;
    private final TallyServer server;
    private final ServerFile file;

    private BesideServer(Path data, TallyServer.Tls tls) throws IOException {
        this(data, tls, null);
    }

    private BesideServer(Path data, TallyServer.Tls tls, Path prices) throws IOException {
        store = Store.open(StoreConfig.embedded(data));
        Ledger ledger = new Ledger(store);
        PriceCatalog catalog = prices == null ? PriceCatalog.bundled() : PriceCatalog.load(prices);
        writer = new IngestWriter(ledger, new Spool(store.config().spoolDir()), catalog::price, IngestWriter.Options.DEFAULT);
        App app = new App(store, ledger, new People(store), () -> catalog, () -> writer, Clock.systemUTC());
        String token = Secrets.randomToken(32);
        web = WebApp.forServer(vertx, store, ledger, ZoneOffset.UTC, Clock.systemUTC(), "127.0.0.1", data, null, app, token, () -> { });
        server = TallyServer.start(vertx, "127.0.0.1", 0, tls, List.of(web));
        long pid = ProcessHandle.current().pid();
        ServerFile f = tls == null ? new ServerFile(pid, "127.0.0.1", server.port(), token)
                : new ServerFile(pid, "127.0.0.1", server.port(), token, "https", ServerFile.fingerprint(tls.cert()));
        file = prices == null ? f : f.pricedWith(ServerFile.sha256(prices));
        file.write(data);
    }

    public static BesideServer start(Path data) throws IOException {
        return new BesideServer(data, null);
    }

    /** Pricing with this price file laid over the bundled catalog, as {@code tally serve --prices FILE} does. */
    public static BesideServer pricedWith(Path data, Path prices) throws IOException {
        return new BesideServer(data, null, prices);
    }

    /** Over HTTPS with this certificate, which the server file records for the CLI to pin. */
    public static BesideServer start(Path data, TallyServer.Tls tls) throws IOException {
        return new BesideServer(data, tls);
    }

    /** How many times the use case's route was called. */
    public long calls(Op<?, ?> op) {
        return web.useCases().calls(op.path());
    }

    public ServerFile file() {
        return file;
    }

    @Override
    public void close() {
        server.close();
        writer.close();
        store.close();
        vertx.close();
    }
}
