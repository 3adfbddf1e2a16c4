package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands as a user runs them, on both stores. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private String[] store(TestStores.Kind kind) {
        return kind == TestStores.Kind.DUCKDB ? new String[] {"--data", dir.toString()}
                : new String[] {"--data", dir.toString(), "--db", TestStores.freshSchemaUrl()};
    }

    private Cli.Result tally(String[] store, String... args) {
        String[] all = new String[args.length + store.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(store, 0, all, args.length, store.length);
        all[all.length - 2] = "--tz";
        all[all.length - 1] = "UTC";
        return Cli.run(all);
    }

    private static JsonNode json(Cli.Result r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void recordedUsageShowsInTheReportPricedExactly(TestStores.Kind kind) throws Exception {
        String[] s = store(kind);
        String today = LocalDate.now(ZoneOffset.UTC) + "T08:00:00Z";
        assertThat(tally(s, "record", "--user", "alice", "--model", "claude-3-5-sonnet-20241022",
                "--input", "500000", "--output", "200000", "--at", today, "--id", "a1").out()).contains("$4.50");
        tally(s, "record", "--user", "bob", "--model", "claude-3-haiku-20240307", "--input", "1400000",
                "--output", "560000", "--cache-read", "1000", "--at", today, "--id", "b1");

        JsonNode report = json(tally(s, "report", "--days", "7", "--format", "json"));
        assertThat(report.get("rows")).hasSize(2);
        assertThat(report.at("/rows/0/key").asText()).isEqualTo("alice");
        assertThat(report.at("/rows/0/cost_usd").asText()).isEqualTo("4.50");
        assertThat(report.at("/rows/0/input_tokens").asLong()).isEqualTo(500_000);
        assertThat(report.at("/rows/1/cost_usd").asText()).isEqualTo("1.05003"); // + 1,000 cache reads at $0.03/M
        assertThat(report.at("/total/cost_usd").asText()).isEqualTo("5.55003");
        assertThat(report.at("/total/total_tokens").asLong()).isEqualTo(500_000 + 200_000 + 1_400_000 + 560_000 + 1_000);
        assertThat(report.at("/unpriced_requests").asLong()).isZero();
        assertThat(report.has("projected_month_usd")).isTrue();
        assertThat(report.at("/from").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(6).toString());

        JsonNode totals = json(tally(s, "totals", "--days", "7", "--format", "json"));
        assertThat(totals.get("requests").asLong()).isEqualTo(2);
        assertThat(totals.get("cost_usd").asText()).isEqualTo("5.55003");
        assertThat(totals.get("total_tokens").asLong()).isEqualTo(2_661_000);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void recordingTheSameIdAgainAddsNothing(TestStores.Kind kind) throws Exception {
        String[] s = store(kind);
        for (int i = 0; i < 3; i++) {
            tally(s, "record", "--user", "alice", "--model", "claude-haiku-4-5", "--input", "10", "--output", "10", "--id", "same");
        }
        assertThat(json(tally(s, "totals", "--format", "json")).get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anUnknownModelIsCountedAndNamedInEveryReportNeverPricedAtZero(TestStores.Kind kind) throws Exception {
        String[] s = store(kind);
        tally(s, "record", "--user", "alice", "--model", "claude-imaginary-9", "--input", "10", "--output", "10");
        tally(s, "record", "--user", "bob", "--model", "claude-haiku-4-5", "--input", "10", "--output", "10");

        Cli.Result table = tally(s, "report");
        assertThat(table.out()).contains("UNPRICED: 1 request on model claude-imaginary-9");
        assertThat(table.out()).containsPattern("alice .* unpriced");
        assertThat(tally(s, "report", "--by", "model").out()).contains("UNPRICED");
        JsonNode json = json(tally(s, "report", "--format", "json"));
        assertThat(json.get("unpriced_requests").asLong()).isEqualTo(1);
        assertThat(json.at("/unpriced_models/claude-imaginary-9").asLong()).isEqualTo(1);
        assertThat(tally(s, "top", "--format", "json").out()).contains("\"cost_usd\" : null");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void repricingAfterAddingAPriceTurnsUnpricedRecordsIntoCost(TestStores.Kind kind) throws Exception {
        String[] s = store(kind);
        tally(s, "record", "--user", "alice", "--model", "claude-imaginary-9", "--input", "1000000", "--output", "0");
        tally(s, "record", "--user", "alice", "--model", "claude-haiku-4-5", "--input", "1000000", "--output", "0");
        assertThat(json(tally(s, "report", "--format", "json")).get("unpriced_requests").asLong()).isEqualTo(1);

        Path prices = dir.resolve("prices.json");
        java.nio.file.Files.writeString(prices, "{\"models\":[{\"id\":\"claude-imaginary-9\",\"prices\":[{\"from\":\"2020-01-01\","
                + "\"input\":\"7\",\"output\":\"9\"}]}]}");
        Cli.Result r = tally(s, "reprice", "--prices", prices.toString());
        assertThat(r.out()).as(r.err()).contains("2 records changed"); // both now carry the new catalog version

        JsonNode report = json(tally(s, "report", "--format", "json"));
        assertThat(report.get("unpriced_requests").asLong()).isZero();
        assertThat(report.at("/total/cost_usd").asText()).isEqualTo("8.00"); // $7 + $1 per million input
        assertThat(report.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(tally(s, "reprice", "--prices", prices.toString()).out()).contains("0 records changed");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void peopleAliasesReattributeHistory(TestStores.Kind kind) throws Exception {
        String[] s = store(kind);
        tally(s, "record", "--user", "alice@corp.com", "--model", "claude-haiku-4-5", "--input", "10", "--output", "10");
        tally(s, "record", "--user", "arn:aws:sts::1:assumed-role/Dev/alice", "--model", "claude-haiku-4-5", "--input", "10", "--output", "10");
        assertThat(json(tally(s, "report", "--format", "json")).get("rows")).hasSize(2);

        assertThat(tally(s, "people", "add", "alice", "--team", "platform", "--alias", "alice@corp.com").code()).isZero();
        assertThat(tally(s, "people", "alias", "alice", "arn:aws:sts::1:assumed-role/Dev/alice").code()).isZero();

        JsonNode report = json(tally(s, "report", "--format", "json"));
        assertThat(report.get("rows")).hasSize(1);
        assertThat(report.at("/rows/0/key").asText()).isEqualTo("alice");
        assertThat(report.at("/rows/0/requests").asLong()).isEqualTo(2);
        assertThat(json(tally(s, "report", "--by", "team", "--format", "json")).at("/rows/0/key").asText()).isEqualTo("platform");
        assertThat(json(tally(s, "people", "list", "--format", "json")).at("/0/aliases")).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "team", "model", "day", "hour", "source"})
    void everyGroupingReportsTheSameTotal(String by) throws Exception {
        String[] s = store(TestStores.Kind.DUCKDB);
        assertThat(tally(s, "demo", "--days", "7").code()).isZero();
        JsonNode all = json(tally(s, "report", "--days", "7", "--format", "json"));
        JsonNode grouped = json(tally(s, "report", "--days", "7", "--by", by, "--format", "json"));
        assertThat(grouped.get("total")).isEqualTo(all.get("total"));
        long sum = 0;
        for (JsonNode row : grouped.get("rows")) sum += row.get("requests").asLong();
        assertThat(sum).isEqualTo(all.at("/total/requests").asLong());
        assertThat(tally(s, "report", "--days", "7", "--by", by, "--format", "csv").out().lines().count())
                .isEqualTo(grouped.get("rows").size() + 2L);
    }

    @Test
    void theDemoWritesAMonthForEightDevelopersAndPrintsTheTable() {
        Cli.Result r = Cli.run("demo", "--data", dir.toString(), "--tz", "UTC");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Developer", "Input", "Output", "Cache", "Total tokens", "Requests", "Cost (USD)",
                "TOTAL", "Projected this month", "Top spenders: dev3");
        for (int i = 1; i <= 8; i++) assertThat(r.out()).contains("dev" + i);
        Cli.Result again = Cli.run("demo", "--data", dir.toString(), "--tz", "UTC");
        assertThat(again.out()).contains("(0 new)");
    }

    @Test
    void badInputIsOneClearLineAndExitCodeTwo() {
        String data = dir.toString();
        assertBad(Cli.run("record", "--data", data, "--user", "a", "--model", "m", "--input", "-1", "--output", "1"),
                "--input must not be negative");
        assertBad(Cli.run("record", "--data", data, "--user", "a", "--model", "m", "--input", "1", "--output", "1", "--at", "noonish"),
                "--at: cannot read 'noonish'");
        assertBad(Cli.run("report", "--data", data, "--frobnicate"), "Unknown option: '--frobnicate'");
        assertBad(Cli.run("report", "--data", data, "--by", "color"), "--by: expected one of");
        assertBad(Cli.run("report", "--data", data, "--from", "2026-02-30"), "--from: expected a date");
        assertBad(Cli.run("report", "--data", data, "--days", "0"), "--days must be at least 1");
        assertBad(Cli.run("report", "--data", data, "--tz", "Mars/Olympus"), "unknown time zone");
        // refused by a command that never asks the zone too, before it does anything
        assertBad(Cli.run("import", "claude-code", data, "--data", data, "--tz", "Mars/Phobos"), "unknown time zone 'Mars/Phobos'");
        assertBad(Cli.run("--tz", "Mars/Phobos", "prices"), "unknown time zone 'Mars/Phobos'");
        assertBad(Cli.run("report", "--data", data, "--db", "postgresql://tally:x@127.0.0.1:1/nope"),
                "cannot reach PostgreSQL at 127.0.0.1:1/nope");
        assertBad(Cli.run("report", "--data", data, "--db", "mysql://x"), "--db: expected postgresql://");
        assertBad(Cli.run("people", "alias", "--data", data, "ghost", "x@y"), "no person named 'ghost'");
        assertBad(Cli.run("keys", "create", "--data", data, "--user", "a", "--expires", "2020-01-01"),
                "--expires: 2020-01-01 is already past (2020-01-02T");
        assertBad(Cli.run("keys", "create", "--data", data, "--user", "a", "--expires", "999999999999d"),
                "--expires: expected 30d, 12h");
        assertBad(Cli.run("tail", "--data", data, "--interval", "2h"), "--interval must be at most 1h, got 2h");
        assertBad(Cli.run("report", "--data", dir.resolve("tally-dta").toString()), "tally-dta: no such folder");
        assertThat(dir.resolve("tally-dta")).as("a reading command creates no store").doesNotExist();
    }

    @Test
    void aBadDayIsNamedByTheFlagTheUserTyped() {
        String data = dir.toString();
        Cli.Result blocks = Cli.run("blocks", "--data", data, "--since", "2026-13-01");
        assertBad(blocks, "--since: expected a date YYYY-MM-DD, got '2026-13-01'");
        assertThat(blocks.err()).doesNotContain("--from");
        assertBad(Cli.run("export", "--data", data, "--to", "2026-13-01"), "--to: expected a date YYYY-MM-DD, got '2026-13-01'");
        assertBad(Cli.run("export", "--data", data, "--from", "2026-02-30"), "--from: expected a date YYYY-MM-DD, got '2026-02-30'");
        assertBad(Cli.run("report", "--data", data, "--to", "2026-13-01"), "--to: expected a date YYYY-MM-DD, got '2026-13-01'");
    }

    @Test
    void aDataFolderThatIsAFileIsSaidToBeOne() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("afile"), "not a folder");
        Cli.Result self = Cli.run("record", "--data", file.toString(), "--user", "a", "--model", "claude-haiku-4-5",
                "--input", "1", "--output", "1");
        assertBad(self, "cannot create data directory " + file + ": it is a file, not a folder");
        Cli.Result below = Cli.run("record", "--data", file.resolve("store").toString(), "--user", "a", "--model",
                "claude-haiku-4-5", "--input", "1", "--output", "1");
        assertBad(below, "cannot create data directory " + file.resolve("store") + ": " + file + " is a file, not a folder");
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("not a folder");
    }

    @Test
    void blocksAndReconcileHaveNoCsvAndSayWhichFormatsTheyHave() {
        for (String command : new String[] {"blocks", "reconcile"}) {
            for (String format : new String[] {"csv", "xml"}) {
                Cli.Result r = Cli.run(command, "--data", dir.toString(), "--format", format);
                assertBad(r, "--format: expected table or json; got '" + format + "'");
                assertThat(r.out()).isEmpty();
            }
        }
    }

    @Test
    void aFailedCommandWritesNothing() throws Exception {
        String data = dir.toString();
        Cli.run("record", "--data", data, "--user", "a", "--model", "m", "--input", "-1", "--output", "1");
        Cli.run("record", "--data", data, "--user", "a", "--model", "m", "--input", "1", "--output", "1", "--at", "x");
        JsonNode totals = JSON.readTree(Cli.run("totals", "--data", data, "--format", "json").out());
        assertThat(totals.get("requests").asLong()).isZero();
    }

    private static void assertBad(Cli.Result r, String message) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("Exception", "\tat ");
    }
}
