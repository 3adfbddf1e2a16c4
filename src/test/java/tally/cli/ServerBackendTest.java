package tally.cli;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.App;
import tally.app.Ops;
import tally.gateway.Http;
import tally.core.Secrets;
import tally.identity.People;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.server.ServerFile;
import tally.server.TallyServer;
import tally.server.TestCert;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.web.WebApp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While a server owns the embedded data, a CLI command calls the server's use cases through its
 * REST API as the local admin (token from the owner-only server file), over HTTPS too, pinning the
 * certificate the server recorded; argv is no longer forwarded anywhere.
 */
class ServerBackendTest {
    @TempDir Path dir;
    private final Vertx vertx = Vertx.vertx();
    private Store store;
    private IngestWriter writer;
    private TallyServer server;
    private WebApp web;
    private ServerFile file;

    record Run(int code, String out, String err) {}

    private Run tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--data";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** What `tally serve` assembles for the use cases, in this process; returns the server's base URL. */
    private String serve(TestCert tls) throws Exception {
        store = Store.open(StoreConfig.embedded(dir));
        Ledger ledger = new Ledger(store);
        PriceCatalog catalog = PriceCatalog.bundled();
        writer = new IngestWriter(ledger, new Spool(store.config().spoolDir()), catalog::price, IngestWriter.Options.DEFAULT);
        App app = new App(store, ledger, new People(store), () -> catalog, () -> writer, Clock.systemUTC());
        String token = Secrets.randomToken(32);
        web = WebApp.forServer(vertx, store, ledger, ZoneOffset.UTC, Clock.systemUTC(), "127.0.0.1", dir, null, app, token, () -> { });
        server = TallyServer.start(vertx, "127.0.0.1", 0, tls == null ? null : new TallyServer.Tls(tls.cert, tls.key), List.of(web));
        long pid = ProcessHandle.current().pid();
        file = tls == null ? new ServerFile(pid, "127.0.0.1", server.port(), token)
                : new ServerFile(pid, "127.0.0.1", server.port(), token, "https", ServerFile.fingerprint(tls.cert));
        file.write(dir);
        return file.baseUrl();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (writer != null) writer.close();
        if (store != null) store.close();
        vertx.close();
    }

    @Test
    void aCommandBesideARunningServerCallsItsRestApiAndTheArgvBridgeIsGone() throws Exception {
        String base = serve(null);
        Run add = tally("people", "add", "bob", "--team", "eng");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("saved bob (team eng)\n");
        Run list = tally("people", "list", "--format", "json");
        assertThat(list.out()).contains("\"name\" : \"bob\"", "\"team\" : \"eng\"");
        assertThat(web.useCases().calls(Ops.PEOPLE_ADD.path())).isEqualTo(1);
        assertThat(web.useCases().calls(Ops.PEOPLE_LIST.path())).isEqualTo(1);

        HttpResponse<byte[]> bridge = Http.send("POST", base + "/api/cli", Map.of("authorization", "Bearer " + file.token(),
                "content-type", "application/json"), "{\"args\":[\"people\",\"list\"]}");
        assertThat(bridge.statusCode()).isEqualTo(405);
        String doc = new String(Http.send("GET", base + "/api/openapi.json", Map.of(), null).body());
        for (tally.app.Op<?, ?> op : Ops.ALL) assertThat(doc).as("documented").contains("\"" + op.path() + "\"");
    }

    @Test
    void theTokenFileIsTheOwnersAloneAndOnlyItsTokenIsServed() throws Exception {
        String base = serve(null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ServerFile.path(dir)))).isEqualTo("rw-------");
        String url = base + Ops.PEOPLE_LIST.path();
        Map<String, String> json = Map.of("content-type", "application/json");
        assertThat(Http.send("POST", url, json, "{}").statusCode()).as("no token").isEqualTo(403);
        assertThat(Http.send("POST", url, Map.of("content-type", "application/json", "authorization", "Bearer " + file.token() + "x"),
                "{}").statusCode()).as("a wrong token").isEqualTo(403);
        HttpResponse<byte[]> ok = Http.send("POST", url, Map.of("content-type", "application/json", "authorization",
                "Bearer " + file.token()), "{}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(new String(ok.body())).isEqualTo("[]");
    }

    @Test
    void overHttpsTheCliTrustsExactlyTheCertificateTheServerRecorded() throws Exception {
        serve(new TestCert(Files.createDirectories(dir.resolve("tls"))));
        assertThat(file.baseUrl()).startsWith("https://");
        Run add = tally("people", "add", "carol");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(tally("people", "list").out()).contains("carol");
        assertThat(web.useCases().calls(Ops.PEOPLE_LIST.path())).isEqualTo(1);

        // Another certificate than the recorded one: the CLI refuses to talk to it.
        new ServerFile(file.pid(), file.host(), file.port(), file.token(), "https", "00".repeat(32)).write(dir);
        Run forged = tally("people", "list");
        assertThat(forged.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(forged.err()).contains("does not answer");
        assertThat(web.useCases().calls(Ops.PEOPLE_LIST.path())).isEqualTo(1);
    }
}
