package tally.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.Ops;
import tally.gateway.Http;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `tally prune`: raw records past the window go, reports over them do not change, here or beside a server. */
class PruneCommandTest {
    private static final Instant NOW = Instant.now();
    private static final LocalDate CUT = NOW.minus(90, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toLocalDate();

    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    private Run tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--data", dir.toString(), "--tz", "UTC"));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private void record(String user, int daysAgo, int input) {
        Run r = tally("record", "--user", user, "--model", "claude-sonnet-4-5", "--input", String.valueOf(input),
                "--output", "100", "--at", NOW.minus(daysAgo, ChronoUnit.DAYS).toString());
        assertThat(r.code()).as(r.err()).isZero();
    }

    /** Five records 120 to 200 days old, two within the last month. */
    private void history() {
        record("alice", 200, 1_000);
        record("bob", 180, 2_000);
        record("alice", 150, 3_000);
        record("carol", 121, 4_000);
        record("bob", 120, 5_000);
        record("alice", 20, 6_000);
        record("bob", 3, 7_000);
    }

    private String oldReport(String by) {
        LocalDate from = NOW.minus(210, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC).toLocalDate();
        Run r = tally("report", "--from", from.toString(), "--to", CUT.minusDays(1).toString(), "--by", by, "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    void aDryRunCountsThenPruningDeletesOnlyOldRecordsAndTheOldReportStaysTheSame() {
        history();
        String byUser = oldReport("user");
        String byDay = oldReport("day");

        Run dry = tally("prune", "--older-than", "90d", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).isEqualTo("would prune 5 raw records before " + CUT + " (UTC); the rollups every report reads are kept\n");
        assertThat(tally("export").out().lines().count()).isEqualTo(8); // header + 7: nothing deleted

        Run pruned = tally("prune", "--older-than", "90d");
        assertThat(pruned.code()).as(pruned.err()).isZero();
        assertThat(pruned.out()).isEqualTo("pruned 5 raw records before " + CUT + " (UTC); the rollups every report reads are kept\n");
        assertThat(tally("export").out().lines().count()).isEqualTo(3);
        assertThat(oldReport("user")).isEqualTo(byUser).contains("\"requests\" : 5");
        assertThat(oldReport("day")).isEqualTo(byDay);

        assertThat(tally("prune", "--older-than", "90d").out()).startsWith("pruned 0 raw records");
    }

    @Test
    void besideARunningServerThePruneRunsInTheServer() throws Exception {
        history();
        String byUser = oldReport("user");
        serve();

        Run pruned = tally("prune", "--older-than", "90d");

        assertThat(pruned.code()).as(pruned.err()).isZero();
        assertThat(pruned.out()).startsWith("pruned 5 raw records before " + CUT);
        assertThat(beside.calls(Ops.PRUNE)).isEqualTo(1);
        assertThat(oldReport("user")).isEqualTo(byUser);
        assertThat(tally("export").out().lines().count()).isEqualTo(3);
    }

    @Test
    void aNewRecordOlderThanTheCutIsRefusedNotConfirmedAndDropped() {
        history();
        assertThat(tally("prune", "--older-than", "90d").code()).isZero();
        Run old = tally("record", "--user", "zed", "--model", "claude-haiku-4-5", "--input", "100", "--output", "100",
                "--at", NOW.minus(100, ChronoUnit.DAYS).toString());
        assertThat(old.code()).isEqualTo(2);
        assertThat(old.err()).contains("is before the retention cut " + CUT + "T00:00:00Z (tally prune)");
        assertThat(old.out()).doesNotContain("recorded");
        Run recent = tally("record", "--user", "zed", "--model", "claude-haiku-4-5", "--input", "100", "--output", "100",
                "--at", NOW.minus(80, ChronoUnit.DAYS).toString());
        assertThat(recent.code()).as(recent.err()).isZero();
        assertThat(recent.out()).contains("recorded");
    }

    @Test
    void aWindowUnderADayIsRefusedWithTheReason() {
        record("alice", 200, 1_000);

        Run r = tally("prune", "--older-than", "2h");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--older-than: the retention window must be at least 1d; got '2h'");
        assertThat(tally("prune", "--older-than", "soon").err()).contains("--older-than: expected a duration");
        assertThat(tally("export").out().lines().count()).isEqualTo(2);
    }

    @Test
    void aWindowOfNothingTooLongOrWithoutAUnitIsRefusedSayingWhatWouldDo() {
        record("alice", 200, 1_000);

        Run zero = tally("prune", "--older-than", "0d");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--older-than: the retention window must be at least 1d; got '0d'");
        Run forever = tally("prune", "--older-than", "99999999d", "--dry-run");
        assertThat(forever.code()).isEqualTo(2);
        assertThat(forever.err()).contains("--older-than: the retention window must be at most 3660d; got '99999999d'");
        assertThat(forever.out()).isEmpty();
        Run bare = tally("prune", "--older-than", "90");
        assertThat(bare.code()).isEqualTo(2);
        assertThat(bare.err()).contains("--older-than", "give a unit: '90d'");
        assertThat(tally("export").out().lines().count()).isEqualTo(2); // nothing deleted
        // the bounds themselves are fine, and ISO-8601 is read too
        assertThat(tally("prune", "--older-than", "3660d", "--dry-run").code()).isZero();
        assertThat(tally("prune", "--older-than", "P1D", "--dry-run").out()).startsWith("would prune 1 raw record before");
    }

    @Test
    void theApiTakesTheWindowAsTheCommandLineWritesItOrInIso8601() throws Exception {
        history();
        serve();
        String base = beside.file().baseUrl();
        Map<String, String> admin = Map.of("content-type", "application/json", "authorization", "Bearer " + beside.file().token());

        HttpResponse<byte[]> days = Http.post(base + "/api/records/prune", admin, "{\"olderThan\":\"90d\",\"dryRun\":true}");
        assertThat(days.statusCode()).as(new String(days.body())).isEqualTo(200);
        assertThat(new String(days.body())).contains("\"records\":5", "\"dryRun\":true");
        HttpResponse<byte[]> iso = Http.post(base + "/api/records/prune", admin, "{\"olderThan\":\"P90D\",\"dryRun\":true}");
        assertThat(iso.statusCode()).as(new String(iso.body())).isEqualTo(200);
        assertThat(new String(iso.body())).contains("\"records\":5");

        HttpResponse<byte[]> tooLong = Http.post(base + "/api/records/prune", admin, "{\"olderThan\":\"99999999d\"}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(new String(tooLong.body())).contains("olderThan: the retention window must be at most 3660d");
        HttpResponse<byte[]> bare = Http.post(base + "/api/records/prune", admin, "{\"olderThan\":90}");
        assertThat(bare.statusCode()).isEqualTo(400);
        assertThat(new String(bare.body())).contains("olderThan: expected a string such as");
        assertThat(tally("export").out().lines().count()).isEqualTo(8); // nothing deleted
    }

    @Test
    void serveRefusesARetentionUnderADayOrOverTenYears() {
        Run r = tally("serve", "--port", "0", "--retention", "12h");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--retention: the retention window must be at least 1d; got '12h'");
        Run forever = tally("serve", "--port", "0", "--retention", "99999999d");
        assertThat(forever.code()).isEqualTo(2);
        assertThat(forever.err()).contains("--retention: the retention window must be at most 3660d");
    }

    @Test
    void serveRefusesASpoolSyncItDoesNotKnow() {
        Run r = tally("serve", "--port", "0", "--spool-sync", "sometimes");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--spool-sync: 'sometimes' is neither always nor periodic");
    }

    private void serve() throws Exception {
        beside = BesideServer.start(dir);
    }

    private BesideServer beside;

    @AfterEach
    void stop() {
        if (beside != null) beside.close();
    }
}
