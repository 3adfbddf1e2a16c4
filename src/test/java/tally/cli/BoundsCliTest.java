package tally.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI refuses what the ledger cannot hold, and its CSV cannot be run as a spreadsheet formula. */
class BoundsCliTest {
    @TempDir Path dir;

    private String[] with(TestStores.Kind kind, String... args) {
        String[] store = kind == TestStores.Kind.DUCKDB ? new String[] {"--data", dir.toString(), "--tz", "UTC"}
                : new String[] {"--data", dir.toString(), "--tz", "UTC", "--db", TestStores.freshSchemaUrl()};
        String[] all = new String[args.length + store.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(store, 0, all, args.length, store.length);
        return all;
    }

    private static void assertRefused(Cli.Result r, String message) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("Exception", "\tat ");
    }

    @Test
    void recordRefusesTokenCountsBeyondTheBoundAndTimesOutOfRange() {
        String data = dir.toString();
        String[] base = {"record", "--data", data, "--user", "a", "--model", "claude-haiku-4-5"};
        assertRefused(Cli.run(concat(base, "--input", "10000000001", "--output", "1")), "--input=10000000001 out of range [0, 1e10]");
        assertRefused(Cli.run(concat(base, "--input", "1", "--output", "1", "--cache-read", "99999999999")),
                "--cache-read=99999999999 out of range");
        assertRefused(Cli.run(concat(base, "--input", "1.5", "--output", "1")), "--input");
        assertRefused(Cli.run(concat(base, "--input", "1", "--output", "1", "--at", "2022-12-31T23:00:00Z")), "--at: time 2022-12-31T23:00:00Z is before 2023");
        String future = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        assertRefused(Cli.run(concat(base, "--input", "1", "--output", "1", "--at", future)), "more than a day in the future");
        // the bound itself is fine
        Cli.Result ok = Cli.run(concat(base, "--input", "10000000000", "--output", "0", "--at", LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z"));
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void csvCellsThatStartLikeAFormulaAreText(TestStores.Kind kind) {
        String today = LocalDate.now(ZoneOffset.UTC) + "T08:00:00Z";
        String[] store = with(kind);
        for (String who : new String[] {"=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)"}) {
            Cli.Result r = Cli.run(concat(new String[] {"record", "--user", who, "--model", "claude-haiku-4-5", "--input", "10",
                    "--output", "10", "--at", today}, store));
            assertThat(r.code()).as(r.err()).isZero();
        }
        Cli.Result report = Cli.run(concat(new String[] {"report", "--by", "person", "--days", "2", "--format", "csv"}, store));
        assertThat(report.code()).as(report.err()).isZero();
        assertThat(report.out()).contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",", "\n'+1+1,", "\n'-2+3,", "\n'@SUM(A1),")
                .doesNotContain("\n=", "\n+", "\n-", "\n@");
        Cli.Result export = Cli.run(concat(new String[] {"export"}, store));
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).contains(",'+1+1,", ",'-2+3,", ",'@SUM(A1),", ",\"'=HYPERLINK(").doesNotContain(",=", ",+1", ",@");
    }

    @Test
    void aZoneWhoseOffsetIsNotWholeQuarterHoursIsRefused() {
        String data = dir.toString();
        assertRefused(Cli.run("report", "--data", data, "--tz", "+05:07"), "--tz': time zone +05:07 has UTC offset +05:07");
        assertRefused(Cli.run("report", "--data", data, "--tz", "Africa/Monrovia", "--from", "1971-01-01", "--to", "1971-01-31"),
                "has UTC offset -00:44:30");
        Cli.Result kathmandu = Cli.run("report", "--data", data, "--tz", "Asia/Kathmandu"); // +05:45 is whole quarter hours
        assertThat(kathmandu.code()).as(kathmandu.err()).isZero();
        Cli.Result monrovia = Cli.run("report", "--data", data, "--tz", "Africa/Monrovia"); // GMT since 1972
        assertThat(monrovia.code()).as(monrovia.err()).isZero();
    }

    @Test
    void everyCommandThatTakesDaysOrLastRefusesMoreThanTheApisTenYears() {
        String data = dir.toString();
        List<String> withDays = commandsWithOption("--days");
        assertThat(withDays).contains("report", "top", "totals", "activity", "reprice", "estimate");
        for (String command : withDays) {
            Cli.Result r = Cli.run(concat(periodOf(command), "--days", "2147483647", "--data", data));
            assertRefused(r, "--days must be");
            assertThat(r.err()).as(command).containsPattern("at most 3660|between 1 and 400"); // the demo writes at most 400 days
        }
        List<String> withLast = commandsWithOption("--last");
        assertThat(withLast).contains("report", "estimate");
        for (String command : withLast) {
            assertRefused(Cli.run(concat(periodOf(command), "--last", "99999d", "--data", data)), "--last must be at most 3660d, got 99999 days");
        }
        assertRefused(Cli.run("report", "--from", "1900-01-01", "--data", data), "--from/--to: a range is at most 3660 days");
        assertRefused(Cli.run("tail", "--since", "99999999999d", "--data", data), "--since must be at most 3660d");
        // the bound itself is fine
        Cli.Result tenYears = Cli.run("report", "--days", "3660", "--data", data);
        assertThat(tenYears.code()).as(tenYears.err()).isZero();
        Cli.Result lastTenYears = Cli.run("report", "--last", "3660d", "--data", data);
        assertThat(lastTenYears.code()).as(lastTenYears.err()).isZero();
    }

    @Test
    void exportRefusesARangeLongerThanTheReportsTenYearsAsTheyDo() {
        String data = dir.toString();
        Cli.Result record = Cli.run("record", "--data", data, "--user", "a", "--model", "claude-haiku-4-5", "--input", "1",
                "--output", "1");
        assertThat(record.code()).as(record.err()).isZero();

        assertRefused(Cli.run("export", "--from", "2000-01-01", "--to", "2030-01-01", "--data", data),
                "--from/--to: a range is at most 3660 days, got 10959 (2000-01-01 to 2030-01-01)");
        assertRefused(Cli.run("export", "--from", "2026-02-01", "--to", "2026-01-01", "--data", data),
                "--from 2026-02-01 is after --to 2026-01-01");
        // the bound itself is fine, and one open end is the first or last record, as before
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        Cli.Result tenYears = Cli.run("export", "--from", LocalDate.now(ZoneOffset.UTC).minusDays(3659).toString(), "--to", today,
                "--data", data, "--tz", "UTC");
        assertThat(tenYears.code()).as(tenYears.err()).isZero();
        assertThat(tenYears.out().lines()).hasSize(2);
        Cli.Result since = Cli.run("export", "--from", "2023-01-01", "--data", data, "--tz", "UTC");
        assertThat(since.out().lines()).as(since.err()).hasSize(2);
    }

    /** The commands (first words) with this option, found in the tree as picocli builds it: one added later is covered too. */
    private static List<String> commandsWithOption(String option) {
        List<String> names = new ArrayList<>();
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().findOption(option) != null) names.add(name);
        });
        return names;
    }

    /** The command's words, with what makes it read a period: estimate reads one only with --compare. */
    private static String[] periodOf(String command) {
        return command.equals("estimate") ? new String[] {"estimate", "--compare", "claude-haiku-4-5"} : new String[] {command};
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
