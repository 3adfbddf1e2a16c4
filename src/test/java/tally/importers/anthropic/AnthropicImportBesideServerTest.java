package tally.importers.anthropic;

import tally.cli.BesideServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.Ops;
import tally.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
    private FakeAdminApi api;

    private String tally(Path data, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--data", data.toString(), "--tz", "UTC"));
        all.addAll(List.of(args));
        assertThat(Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err))).as(err.toString()).isZero();
        return out.toString();
    }

    private void serve(Path data) throws Exception {
        beside = BesideServer.start(data);
    }

    private BesideServer beside;

    @AfterEach
    void stop() {
        if (beside != null) beside.close();
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
        assertThat(beside.calls(Ops.IMPORT_ANTHROPIC)).isEqualTo(1);
        for (String format : List.of("table", "json")) {
            String[] reconcile = {"reconcile", "--month", day1.substring(0, 7), "--format", format};
            assertThat(tally(dir, reconcile)).isEqualTo(tally(elsewhere, reconcile)).contains("2026-11-24");
        }
        assertThat(beside.calls(Ops.RECONCILE)).isEqualTo(2);
    }
}
