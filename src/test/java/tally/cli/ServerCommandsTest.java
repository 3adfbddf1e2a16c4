package tally.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.Fixtures;
import tally.app.Op;
import tally.app.Ops;
import tally.server.ServerFile;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command that reads or changes the ledger works beside a running server that owns the
 * embedded data: it calls the server's use case through its REST API and prints exactly what it
 * prints when it runs on the store itself. File imports read the files here and send the records.
 */
class ServerCommandsTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    private Run tally(Path data, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--data", data.toString(), "--tz", "UTC"));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private void serve(Path data) throws Exception {
        beside = BesideServer.start(data);
    }

    private BesideServer beside;

    @AfterEach
    void stop() {
        if (beside != null) beside.close();
    }

    /** The reports over time: each command, and the op it must reach on the server. */
    private static Map<List<String>, Op<?, ?>> reports() {
        Map<List<String>, Op<?, ?>> m = new LinkedHashMap<>();
        m.put(List.of("top", "--days", "60"), Ops.TOP);
        m.put(List.of("top", "--days", "60", "--format", "json", "--limit", "3"), Ops.TOP);
        m.put(List.of("activity", "--days", "60"), Ops.ACTIVITY);
        m.put(List.of("activity", "--days", "60", "--format", "json"), Ops.ACTIVITY);
        m.put(List.of("blocks", "--now", "2026-11-24T18:00:00Z"), Ops.BLOCKS);
        m.put(List.of("blocks", "--now", "2026-11-24T18:00:00Z", "--format", "json", "--user", "alice"), Ops.BLOCKS);
        return m;
    }

    /** The ledger's records, the provider's bill, other models' prices, and repricing. */
    private static Map<List<String>, Op<?, ?>> ledger() {
        Map<List<String>, Op<?, ?>> m = new LinkedHashMap<>();
        m.put(List.of("export"), Ops.EXPORT);
        m.put(List.of("export", "--format", "jsonl"), Ops.EXPORT);
        m.put(List.of("reconcile", "--month", "2026-11"), Ops.RECONCILE);
        m.put(List.of("reconcile", "--month", "2026-11", "--format", "json"), Ops.RECONCILE);
        m.put(List.of("estimate", "--compare", "haiku-4-5,claude-opus-4-1", "--days", "60"), Ops.COMPARE);
        m.put(List.of("estimate", "--compare", "claude-haiku-4-5", "--days", "60", "--format", "json", "--user", "alice"), Ops.COMPARE);
        m.put(List.of("reprice", "--days", "60"), Ops.REPRICE);
        return m;
    }

    @Test
    void theReportsPrintTheSameBesideARunningServerAsOnTheStoreItself() throws Exception {
        Map<List<String>, Run> local = printTheSameBesideTheServer(reports());
        assertThat(local.get(List.of("activity", "--days", "60")).out()).doesNotContain("(no activity");
        assertThat(local.get(List.of("blocks", "--now", "2026-11-24T18:00:00Z")).out()).doesNotContain("(no usage)");
    }

    @Test
    void exportReconcileCompareAndRepricePrintTheSameBesideARunningServerAsOnTheStoreItself() throws Exception {
        printTheSameBesideTheServer(ledger());
    }

    /** Runs each command on the store, then beside a server owning it: same output, and the server's op was called. */
    private Map<List<String>, Run> printTheSameBesideTheServer(Map<List<String>, Op<?, ?>> commands) throws Exception {
        Run imported = tally(dir, "import", "claude-code", Fixtures.CLAUDE_CODE.resolve("transcripts").toString(), "--user", "alice");
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(tally(dir, "demo", "--days", "2", "--no-serve").code()).isZero();
        Map<List<String>, Run> local = new LinkedHashMap<>();
        for (List<String> c : commands.keySet()) {
            Run r = tally(dir, c.toArray(String[]::new));
            assertThat(r.code()).as(c + ": " + r.err()).isZero();
            assertThat(r.out()).as(c.toString()).isNotBlank();
            local.put(c, r);
        }

        serve(dir);
        for (Map.Entry<List<String>, Op<?, ?>> c : commands.entrySet()) {
            long before = beside.calls(c.getValue());
            Run r = tally(dir, c.getKey().toArray(String[]::new));
            assertThat(r.code()).as(c.getKey() + ": " + r.err()).isZero();
            assertThat(r.out()).as(c.getKey().toString()).isEqualTo(local.get(c.getKey()).out());
            assertThat(beside.calls(c.getValue())).as(c.getKey() + " called " + c.getValue().path()).isGreaterThan(before);
        }
        return local;
    }

    @Test
    void alertsTestSendsFromThisProcessAndNeedsNoStoreSoItRunsBesideTheServer(@TempDir Path files) throws Exception {
        serve(dir);
        Path alerts = Files.writeString(files.resolve("alerts.json"), "{\"channels\": {}}");
        Run r = tally(dir, "alerts", "test", "log", "--alerts", alerts.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("sent a sample alert to log\n");
    }

    @Test
    void exportToAFileBesideTheServerWritesEveryRecordInPages(@TempDir Path files) throws Exception {
        assertThat(tally(dir, "demo", "--days", "3", "--no-serve").code()).isZero();
        Path here = files.resolve("here.csv");
        assertThat(tally(dir, "export", "--out", here.toString()).code()).isZero();
        serve(dir);
        Path there = files.resolve("there.csv");
        Run r = tally(dir, "export", "--out", there.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(there)).isEqualTo(Files.readString(here));
        long records = Files.readAllLines(here).size() - 1;
        assertThat(r.out()).isEqualTo("wrote " + records + " records to " + there + "\n");
        assertThat(beside.calls(Ops.EXPORT)).as("pages of 20,000").isEqualTo((records / 20_000) + 1);
    }

    @Test
    void aTranscriptImportBesideTheServerSendsTheRecordsAndReadsOnlyNewBytesNextTime(@TempDir Path elsewhere) throws Exception {
        String transcripts = Fixtures.CLAUDE_CODE.resolve("transcripts").toString();
        Run alone = tally(elsewhere, "import", "claude-code", transcripts, "--user", "alice");
        assertThat(alone.code()).as(alone.err()).isZero();

        serve(dir);
        Run first = tally(dir, "import", "claude-code", transcripts, "--user", "alice");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo(alone.out());
        assertThat(beside.calls(Ops.IMPORT_WRITE)).isPositive();
        assertThat(beside.calls(Ops.IMPORT_SAVE_OFFSETS)).isEqualTo(1);

        Run second = tally(dir, "import", "claude-code", transcripts, "--user", "alice");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("unchanged since the last import", "records added:            0\n");
        Run againAlone = tally(elsewhere, "import", "claude-code", transcripts, "--user", "alice");
        assertThat(second.out()).isEqualTo(againAlone.out());

        Run totalsThere = tally(dir, "totals", "--days", "60");
        Run exportThere = tally(dir, "export");
        beside.close(); // stop the server: the rest reads the directory alone
        beside = null;
        Files.deleteIfExists(ServerFile.path(dir));
        assertThat(totalsThere.out()).isEqualTo(tally(elsewhere, "totals", "--days", "60").out());
        assertThat(exportThere.out()).isEqualTo(tally(elsewhere, "export").out());
    }

    private static final String ALICE = "arn:aws:sts::123456789012:assumed-role/Dev/alice";
    private static final String BOB = "arn:aws:sts::123456789012:assumed-role/Dev/bob";

    /** One Bedrock model invocation log line (formats §5.2). */
    private static String invocation(String requestId, String time, String arn, String modelId, long in, long out) {
        return "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"" + time + "\","
                + "\"accountId\":\"123456789012\",\"region\":\"us-east-1\",\"requestId\":\"" + requestId + "\","
                + "\"operation\":\"InvokeModel\",\"modelId\":\"" + modelId + "\",\"identity\":{\"arn\":\"" + arn + "\"},"
                + "\"input\":{\"inputContentType\":\"application/json\",\"inputTokenCount\":" + in + "},"
                + "\"output\":{\"outputContentType\":\"application/json\",\"outputTokenCount\":" + out + "}}\n";
    }

    @Test
    void aBedrockImportBesideTheServerStoresWhatALocalImportStores(@TempDir Path elsewhere, @TempDir Path logs) throws Exception {
        String haiku = "anthropic.claude-3-5-haiku-20241022-v1:0";
        Files.writeString(logs.resolve("a.jsonl"), invocation("r-1", "2026-11-20T10:00:00Z", ALICE, haiku, 1000, 100)
                + invocation("r-2", "2026-11-20T11:00:00Z", BOB, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", 5000, 300)
                + "{not json\n" + invocation("r-1", "2026-11-20T10:00:00Z", ALICE, haiku, 1000, 100));
        for (Path data : List.of(elsewhere, dir)) {
            assertThat(tally(data, "people", "add", "robert").code()).isZero();
            assertThat(tally(data, "people", "alias", "robert", BOB).code()).isZero(); // the ARN itself is bob's identity
        }
        Run alone = tally(elsewhere, "import", "bedrock", logs.toString());
        assertThat(alone.code()).as(alone.err()).isEqualTo(Main.SKIPPED); // line 3 is skipped
        serve(dir);
        Run there = tally(dir, "import", "bedrock", logs.toString());
        assertThat(there.code()).as(there.err()).isEqualTo(Main.SKIPPED);
        assertThat(there.out()).isEqualTo(alone.out()).contains("records added:            2\n", "a.jsonl:3: ");
        assertThat(beside.calls(Ops.IMPORT_WRITE)).isEqualTo(1);
        assertThat(beside.calls(Ops.PEOPLE_LIST)).isZero(); // records keep the full ARN: aliases apply when reports read
        Run again = tally(dir, "import", "bedrock", logs.toString());
        assertThat(again.out()).isEqualTo(tally(elsewhere, "import", "bedrock", logs.toString()).out()).contains("1 file unchanged");
        String report = String.join(" ", "report", "--by", "user", "--from", "2026-11-20", "--to", "2026-11-20");
        assertThat(tally(dir, report.split(" ")).out()).isEqualTo(tally(elsewhere, report.split(" ")).out()).contains("robert", "alice");
        assertThat(tally(dir, "export").out()).isEqualTo(tally(elsewhere, "export").out());
    }
}
