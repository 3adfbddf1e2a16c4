package tally.importers.anthropic;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.App;
import tally.app.Ops;
import tally.cli.Main;
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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Beside a running server that owns the data, {@code import anthropic} runs on the server's side
 * (the admin key travels in the request body) and prints what it prints on the store itself; the
 * imported reports then reconcile the same.
 */
class AnthropicImportBesideServerTest {
    @TempDir Path dir;
    @TempDir Path elsewhere;
    private final Vertx vertx = Vertx.vertx();
    private FakeAdminApi api;
    private Store store;
    private IngestWriter writer;
    private TallyServer server;
    private WebApp web;

    private String tally(Path data, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--data", data.toString(), "--tz", "UTC"));
        all.addAll(List.of(args));
        assertThat(Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err))).as(err.toString()).isZero();
        return out.toString();
    }

    private void serve(Path data) throws Exception {
        store = Store.open(StoreConfig.embedded(data));
        Ledger ledger = new Ledger(store);
        PriceCatalog catalog = PriceCatalog.bundled();
        writer = new IngestWriter(ledger, new Spool(store.config().spoolDir()), catalog::price, IngestWriter.Options.DEFAULT);
        App app = new App(store, ledger, new People(store), () -> catalog, () -> writer, Clock.systemUTC());
        String token = Secrets.randomToken(32);
        web = WebApp.forServer(vertx, store, ledger, ZoneOffset.UTC, Clock.systemUTC(), "127.0.0.1", data, null, app, token, () -> { });
        server = TallyServer.start(vertx, "127.0.0.1", 0, null, List.of(web));
        new ServerFile(ProcessHandle.current().pid(), "127.0.0.1", server.port(), token).write(data);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (writer != null) writer.close();
        if (store != null) store.close();
        vertx.close();
        if (api != null) api.close();
        System.clearProperty("tally.anthropic.admin.key");
    }

    @Test
    void theServerFetchesTheReportsWithTheKeyTheCliSendsAndPrintsTheSame() throws Exception {
        System.setProperty("tally.anthropic.admin.key", FakeAdminApi.KEY);
        String day1 = AnthropicImportTest.DAY1;
        String day2 = AnthropicImportTest.DAY2;
        api = new FakeAdminApi()
                .route("/v1/organizations/usage_report/messages",
                        q -> q.containsKey("page") ? AnthropicImportTest.usagePage(day2, false) : AnthropicImportTest.usagePage(day1, true))
                .route("/v1/organizations/cost_report", q -> q.containsKey("page") ? AnthropicImportTest.costPage2() : AnthropicImportTest.costPage1())
                .route("/v1/organizations/usage_report/claude_code", q -> AnthropicImportTest.claudeCode(q.get("starting_at")));
        for (Path data : List.of(elsewhere, dir)) {
            tally(data, "people", "add", "alice");
            tally(data, "people", "alias", "alice", "apikey_01Alice");
        }
        String[] importArgs = {"import", "anthropic", "--since", day1, "--until", day2, "--base-url", api.baseUrl()};
        String alone = tally(elsewhere, importArgs);
        serve(dir);
        String there = tally(dir, importArgs);
        assertThat(there).isEqualTo(alone).containsPattern("alice +3,000 +1,000 +3,400 +7,400\n");
        assertThat(web.useCases().calls(Ops.IMPORT_ANTHROPIC.path())).isEqualTo(1);
        for (String format : List.of("table", "json")) {
            String[] reconcile = {"reconcile", "--month", day1.substring(0, 7), "--format", format};
            assertThat(tally(dir, reconcile)).isEqualTo(tally(elsewhere, reconcile)).contains("2026-11-24");
        }
        assertThat(web.useCases().calls(Ops.RECONCILE.path())).isEqualTo(2);
    }
}
