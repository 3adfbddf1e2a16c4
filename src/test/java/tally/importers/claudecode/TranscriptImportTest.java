package tally.importers.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.claudecode.Transcript.answer;
import static tally.importers.claudecode.Transcript.user;

/** Composed transcripts for what the fixtures do not show, each imported as a user would. */
class TranscriptImportTest {
    static final String DAY = "2026-11-24";
    static final String T1 = DAY + "T10:00:00.100Z";
    static final String T2 = DAY + "T10:00:00.200Z";
    static final String T3 = DAY + "T10:00:00.300Z";

    @TempDir Path dir;

    private Path projects() {
        return dir.resolve("projects");
    }

    private Tally.Result importAll(Tally tally) {
        return tally.run("import", "claude-code", projects().toString(), "--user", "alice").ok();
    }

    /** An import that skips lines: what it could read is stored, and it exits with status 3. */
    private Tally.Result importSkipping(Tally tally) {
        return tally.run("import", "claude-code", projects().toString(), "--user", "alice").skipped();
    }

    private static JsonNode total(Tally tally) {
        return tally.run("report", "--by", "day", "--from", DAY, "--to", DAY, "--format", "json").json().get("total");
    }

    private static void old(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-24T12:00:00Z")));
    }

    @Test
    void aPathThatIsNotThereIsNamedAndNothingIsImported() throws Exception {
        Transcript.write(projects().resolve("p/s1.jsonl"), answer(T1, "s1", "msg_1", "req_1").json());
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        Path missing = dir.resolve("not-there");
        Tally.Result r = tally.run("import", "claude-code", projects().toString(), missing.toString(), "--user", "alice");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains(missing + ": no such file or directory").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(total(tally).get("requests").asLong()).isZero();
    }

    @Test
    void aSymbolicLinkLoopIsNamedAndSkippedAndTheRestIsImported() throws Exception {
        Transcript.write(projects().resolve("p/s1.jsonl"), answer(T1, "s1", "msg_1", "req_1").json());
        Path loop = projects().resolve("p/loop");
        Files.createSymbolicLink(loop, projects());
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = importSkipping(tally).out();
        assertThat(out).containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +1\n")
                .contains(loop + ": a symbolic link back to a folder above it, not followed");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anAnswerWrittenAsSeveralLinesCountsOnceWithItsFinalUsage(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("-home-alice-app/s1.jsonl");
        Transcript.write(f,
                user(T1, "s1"),
                answer(T1, "s1", "msg_1", "req_1").usage(25, 1, 1500, 12000).provisional().json(), // provisional
                answer(T2, "s1", "msg_1", "req_1").json(),
                answer(T3, "s1", "msg_1", "req_1").json());
        Tally tally = new Tally(kind, dir);
        String out = importAll(tally).out();
        assertThat(out).containsPattern("records added: +1\n").containsPattern("duplicates dropped: +2\n");
        JsonNode t = total(tally);
        assertThat(t.get("requests").asLong()).isEqualTo(1);
        assertThat(t.get("output_tokens").asLong()).isEqualTo(7);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aForkCopyOfItsParentsLinesIsNotCountedAgain(TestStores.Kind kind) throws Exception {
        String parent = answer(T1, "parent", "msg_1", "req_1").json();
        Transcript.write(projects().resolve("p/parent.jsonl"), parent);
        Transcript.write(projects().resolve("p/fork.jsonl"),
                answer(T1, "fork", "msg_1", "req_1").json(), answer(T2, "fork", "msg_2", "req_2").json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        assertThat(total(tally).get("requests").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void ofCopiesOfOneAnswerInDifferentFilesTheFullestCountsWhicheverIsReadFirst(TestStores.Kind kind) throws Exception {
        Transcript.write(projects().resolve("a/first.jsonl"), answer(T1, "s1", "msg_1", "req_1").usage(25, 10, 0, 0).json());
        Transcript.write(projects().resolve("b/second.jsonl"), answer(T1, "s1", "msg_1", "req_1").usage(25, 500, 0, 0).json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
        assertThat(total(tally).get("output_tokens").asLong()).isEqualTo(500);

        Tally apart = new Tally(kind, dir.resolve("apart")); // the same copies, one import each, fuller one second
        apart.run("import", "claude-code", projects().resolve("a").toString(), "--user", "alice").ok();
        String out = apart.run("import", "claude-code", projects().resolve("b").toString(), "--user", "alice").ok().out();
        assertThat(out).containsPattern("records added: +0\n").containsPattern("records replaced: +1 ");
        assertThat(total(apart).get("requests").asLong()).isEqualTo(1);
        assertThat(total(apart).get("output_tokens").asLong()).isEqualTo(500);
        assertThat(apart.run("report", "--by", "user", "--from", DAY, "--to", DAY, "--format", "json").json()
                .get("rows").get(0).get("output_tokens").asLong()).as("the rollups moved with it").isEqualTo(500);

        // and the smaller copy read again later changes nothing
        Files.setLastModifiedTime(projects().resolve("a/first.jsonl"), FileTime.from(Instant.now()));
        apart.run("import", "claude-code", projects().resolve("a").toString(), "--user", "alice").ok();
        assertThat(total(apart).get("output_tokens").asLong()).isEqualTo(500);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theFullerCopyOfAnAnswerGivesItsTimeAndSessionWhetherItsCopiesShareAFileOrNot(TestStores.Kind kind) throws Exception {
        String before = "2026-11-23T23:59:58Z", after = DAY + "T00:00:03Z"; // the answer ended after midnight
        Transcript.write(projects().resolve("one/s1.jsonl"),
                answer(before, "s1", "msg_1", "req_1").usage(25, 1, 0, 0).provisional().json(),
                answer(after, "s1", "msg_1", "req_1").usage(25, 900, 0, 0).json());
        Transcript.write(projects().resolve("two/a.jsonl"), answer(before, "a", "msg_2", "req_2").usage(25, 1, 0, 0).provisional().json());
        Transcript.write(projects().resolve("two/b.jsonl"), answer(after, "b", "msg_2", "req_2").usage(25, 900, 0, 0).json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        JsonNode days = tally.run("report", "--by", "day", "--from", "2026-11-23", "--to", DAY, "--format", "json").json().get("rows");
        assertThat(days).hasSize(1);
        assertThat(days.get(0).get("key").asText()).isEqualTo(DAY);
        assertThat(days.get(0).get("requests").asLong()).isEqualTo(2);
        assertThat(days.get(0).get("output_tokens").asLong()).isEqualTo(1800);
        JsonNode sessions = tally.run("report", "--by", "session", "--from", "2026-11-23", "--to", DAY, "--format", "json").json().get("rows");
        assertThat(sessions.findValuesAsText("key")).containsExactlyInAnyOrder("s1", "b");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aFinalUsageAppendedAfterItsProvisionalCopyWasStoredReplacesIt(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").usage(25, 1, 1500, 12000).provisional().json());
        old(f); // quiet for hours: its provisional answer is taken as it is
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        assertThat(total(tally).get("output_tokens").asLong()).isEqualTo(1);
        // Claude Code resumed and wrote the answer's final line, a minute later
        Transcript.append(f, answer(DAY + "T10:01:00Z", "s1", "msg_1", "req_1").usage(25, 300, 1500, 12000).json() + "\n");
        assertThat(importAll(tally).out()).contains("1 file, 1 lines\n").containsPattern("duplicates dropped: +0\n")
                .containsPattern("records added: +0\n").containsPattern("records replaced: +1 ");
        JsonNode t = total(tally);
        assertThat(t.get("requests").asLong()).isEqualTo(1);
        assertThat(t.get("output_tokens").asLong()).isEqualTo(300);
        assertThat(importAll(tally).out()).contains("1 file unchanged since the last import");
        assertThat(total(tally).get("output_tokens").asLong()).isEqualTo(300);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void sidechainsAndSubagentFilesCount(TestStores.Kind kind) throws Exception {
        Transcript.write(projects().resolve("p/s1.jsonl"),
                answer(T1, "s1", "msg_1", "req_1").json(),
                answer(T2, "s1", "msg_2", "req_2").sidechain().json());
        Transcript.write(projects().resolve("p/s1/subagents/agent-a1.jsonl"),
                answer(T3, "s1", "msg_3", "req_3").sidechain().model("claude-haiku-4-5-20251001").json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        JsonNode sessions = tally.run("report", "--by", "session", "--from", DAY, "--to", DAY, "--format", "json").json();
        assertThat(sessions.get("rows")).hasSize(1);
        assertThat(sessions.at("/rows/0/key").asText()).isEqualTo("s1");
        assertThat(sessions.at("/rows/0/requests").asLong()).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void syntheticAndApiErrorLinesAreIgnoredNotCounted(TestStores.Kind kind) throws Exception {
        Transcript.write(projects().resolve("p/s1.jsonl"),
                answer(T1, "s1", "msg_1", "req_1").json(),
                answer(T2, "s1", "msg_2", "req_2").model("<synthetic>").usage(0, 0, 0, 0).json(),
                answer(T3, "s1", "msg_3", "req_3").apiError().model("<synthetic>").json());
        Tally tally = new Tally(kind, dir);
        String out = importAll(tally).out();
        assertThat(out).containsPattern("malformed lines skipped: +0\n").contains("unpriced models:          none");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aMalformedLineIsSkippedWithItsFileAndLine(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f, user(T1, "s1"), "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":", 
                answer(T2, "s1", "msg_1", "req_1").json());
        Tally tally = new Tally(kind, dir);
        String out = importSkipping(tally).out();
        assertThat(out).containsPattern("malformed lines skipped: +1\n").contains(f.toAbsolutePath() + ":2: not valid JSON");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
    }

    @Test
    void everySkippedLineIsListedWithSkipsAndAnImportThatSkippedExitsWithStatusThree() throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        String[] lines = new String[8];
        lines[0] = answer(T1, "s1", "msg_0", "req_0").json();
        for (int i = 1; i < lines.length; i++) lines[i] = "{\"message\":{\"usage\":{\"input_tokens\":" + i + "}"; // cut short
        Transcript.write(f, lines);
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String out = importSkipping(tally).out();
        assertThat(out).containsPattern("malformed lines skipped: +7\n")
                .contains("    … and 2 more (--skips FILE lists every one)\n");

        Path list = dir.resolve("skipped.txt");
        Tally again = new Tally(TestStores.Kind.DUCKDB, dir.resolve("again")); // a store that has not read the file
        out = again.run("import", "claude-code", projects().toString(), "--user", "alice", "--skips", list.toString()).skipped().out();
        assertThat(out).contains("    … and 2 more\n").contains("    all 7 listed in " + list + "\n");
        List<String> listed = Files.readAllLines(list);
        assertThat(listed).hasSize(7);
        for (int i = 0; i < 7; i++) {
            assertThat(listed.get(i)).startsWith(f.toAbsolutePath() + ":" + (i + 2) + ": not valid JSON at column ");
        }
        assertThat(again.run("report", "--by", "day", "--from", DAY, "--to", DAY, "--format", "json").json()
                .get("total").get("requests").asLong()).as("what could be read is stored").isEqualTo(1);

        Tally.Result unwritable = again.run("import", "claude-code", projects().toString(), "--user", "alice",
                "--skips", dir.resolve("no-such-folder/skipped.txt").toString());
        assertThat(unwritable.code()).isEqualTo(2);
        assertThat(unwritable.err()).startsWith("tally: --skips " + dir.resolve("no-such-folder/skipped.txt")
                + ": cannot write the list of skipped lines");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aLineWithANulCharacterIsACountedSkipAndTheRestIsStored(TestStores.Kind kind) throws Exception {
        // valid JSON, but no PostgreSQL text holds U+0000: stored, it would make every write of its batch fail
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f,
                answer(T1, "s1", "msg_1", "req_1").json(),
                answer(T2, "s1", "msg_2", "req_2").json().replace("\"req_2\"", "\"req\\u0000_2\""),
                answer(T3, "s1", "msg_3", "req_3").json());
        Tally tally = new Tally(kind, dir);
        String out = importSkipping(tally).out();
        assertThat(out).containsPattern("malformed lines skipped: +1\n")
                .contains(f.toAbsolutePath() + ":2: requestId contains a NUL character (U+0000)");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aLineOutOfTheLedgersBoundsIsACountedSkipWithItsFileAndLine(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f,
                answer(T1, "s1", "msg_1", "req_1").json(),
                answer(T2, "s1", "msg_2", "req_2").usage(10_000_000_001L, 7, 0, 0).json(),
                answer(T3, "s1", "msg_3", "req_3").usage(5, 7, 0, 0).json().replace("\"output_tokens\":7", "\"output_tokens\":7.5"),
                answer("2022-06-01T10:00:00Z", "s1", "msg_4", "req_4").json());
        Tally tally = new Tally(kind, dir);
        String out = importSkipping(tally).out();
        assertThat(out).containsPattern("malformed lines skipped: +3\n")
                .contains(f.toAbsolutePath() + ":2: input_tokens=10000000001 out of range [0, 1e10]")
                .contains(f.toAbsolutePath() + ":3: usage.output_tokens=7.5 is not a whole number")
                .contains(f.toAbsolutePath() + ":4: time 2022-06-01T10:00:00Z is before 2023");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aNullOrMissingInputOrOutputCountIsACountedSkipNeverAZero(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f,
                answer(T1, "s1", "msg_1", "req_1").json(),
                answer(T2, "s1", "msg_2", "req_2").json().replace("\"input_tokens\":25", "\"input_tokens\":null"),
                answer(T3, "s1", "msg_3", "req_3").json().replace(",\"output_tokens\":7", ""),
                answer(DAY + "T11:00:00Z", "s1", "msg_4", "req_4").json().replace("\"input_tokens\":25,", ""),
                answer(DAY + "T12:00:00Z", "s1", "msg_5", "req_5").json().replace("\"cache_read_input_tokens\":12000", "\"cache_read_input_tokens\":-5"));
        Tally tally = new Tally(kind, dir);
        String out = importSkipping(tally).out();
        assertThat(out).containsPattern("malformed lines skipped: +4\n")
                .contains(f.toAbsolutePath() + ":5: usage.cache_read_input_tokens=-5 out of range [0, 1e10]")
                .contains(f.toAbsolutePath() + ":2: usage.input_tokens is null")
                .contains(f.toAbsolutePath() + ":3: usage without output_tokens")
                .contains(f.toAbsolutePath() + ":4: usage without input_tokens");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aNullFieldIsReadAsAbsentOrNamedAsTheLinesSkipNeverDroppedUnsaid(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("-home-alice-app/s1.jsonl");
        Transcript.write(f,
                answer(T1, "s1", "msg_1", "req_1").json().replace("\"cwd\":\"/home/alice/app\"", "\"cwd\":null")
                        .replace("\"sessionId\":\"s1\"", "\"sessionId\":null"),
                answer(T2, "s1", "msg_2", "req_2").json().replace("\"cache_read_input_tokens\":12000", "\"cache_read_input_tokens\":null")
                        .replace("\"speed\":\"standard\"", "\"speed\":null"),
                answer(T3, "s1", "msg_3", "req_3").json().replace("\"cache_creation_input_tokens\":1500", "\"cache_creation_input_tokens\":null")
                        .replace(",\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,\"ephemeral_5m_input_tokens\":1500}", ""),
                answer(DAY + "T11:00:00Z", "s1", "msg_4", "req_4").json().replace("\"requestId\":\"req_4\"", "\"requestId\":null")
                        .replace("\"id\":\"msg_4\"", "\"id\":null").replace("\"isSidechain\":false", "\"isApiErrorMessage\":null"),
                answer(DAY + "T12:00:00Z", "s1", "msg_5", "req_5").json().replace("\"timestamp\":\"" + DAY + "T12:00:00Z\"", "\"timestamp\":null"),
                answer(DAY + "T13:00:00Z", "s1", "msg_6", "req_6").json().replace("\"model\":\"claude-sonnet-4-5-20250929\"", "\"model\":null"));
        Tally tally = new Tally(kind, dir);
        String out = importSkipping(tally).out();
        assertThat(out).containsPattern("records added: +4\n").containsPattern("malformed lines skipped: +2\n")
                .doesNotContain("ignored")
                .contains(f.toAbsolutePath() + ":5: timestamp is null")
                .contains(f.toAbsolutePath() + ":6: message.model is null");
        JsonNode t = total(tally);
        assertThat(t.get("requests").asLong()).isEqualTo(4);
        assertThat(t.get("cache_read_tokens").asLong()).as("the null cache read is none").isEqualTo(3 * 12000);
        JsonNode sessions = tally.run("report", "--by", "session", "--from", DAY, "--to", DAY, "--format", "json").json().get("rows");
        assertThat(sessions.findValuesAsText("key")).as("a null session is the file's, as an absent one").containsOnly("s1");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aHalfWrittenLastLineWaitsForTheRestAndIsNotAnError(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        String second = answer(T2, "s1", "msg_2", "req_2").json();
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").json());
        Transcript.append(f, second.substring(0, 80));
        Tally tally = new Tally(kind, dir);
        assertThat(importAll(tally).out()).containsPattern("malformed lines skipped: +0\n");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);

        Transcript.append(f, second.substring(80) + "\n");
        assertThat(importAll(tally).out()).containsPattern("records added: +1\n");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aSecondImportReadsOnlyWhatWasAppended(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").json(), answer(T2, "s1", "msg_2", "req_2").json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        // the answer the file ended on gets one more block, then a new answer arrives
        Transcript.append(f, answer(T3, "s1", "msg_2", "req_2").json() + "\n"
                + answer(DAY + "T11:00:00Z", "s1", "msg_3", "req_3").json() + "\n");
        String out = importAll(tally).out();
        // msg_2's first line is read again, but not counted again: the new lines are msg_2's second block and msg_3
        assertThat(out).containsPattern("records added: +1\n").containsPattern(", 2 lines\n").containsPattern("duplicates dropped: +1\n");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(3);
        assertThat(importAll(tally).out()).contains("1 file, 0 lines\n").contains("1 file unchanged since the last import");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRewrittenOrTruncatedFileIsReadAgainFromTheStart(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").json(), answer(T2, "s1", "msg_2", "req_2").json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        Transcript.write(f, answer(T3, "s1", "msg_9", "req_9").json()); // shorter, different
        assertThat(importAll(tally).out()).containsPattern("records added: +1\n");
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").json(), answer(T2, "s1", "msg_2", "req_2").json(),
                answer(T3, "s1", "msg_9", "req_9").json(), answer(DAY + "T12:00:00Z", "s1", "msg_4", "req_4").json());
        assertThat(importAll(tally).out()).containsPattern("records added: +1\n");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(4);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aFileOfTheSameSizeAndModificationTimeIsUnchangedWithoutBeingOpened(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        FileTime modified = Files.getLastModifiedTime(f);
        // bytes changed in place, size and time kept: only opening the file could tell, and it is not opened
        Files.writeString(f, Files.readString(f).replace("msg_1", "msg_7").replace("req_1", "req_7"));
        Files.setLastModifiedTime(f, modified);
        assertThat(importAll(tally).out()).contains("1 file unchanged since the last import");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
        // a new modification time: the content is checked, found rewritten, and read again from the start
        Files.setLastModifiedTime(f, FileTime.from(modified.toInstant().plusSeconds(1)));
        assertThat(importAll(tally).out()).containsPattern("records added: +1\n");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aProvisionalLastAnswerInAFileStillBeingWrittenWaitsForItsFinalUsage(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").usage(25, 1, 1500, 12000).provisional().json());
        Tally tally = new Tally(kind, dir);
        assertThat(importAll(tally).out()).containsPattern("records added: +0\n")
                .contains("  held for the next run:    1 answer still being written\n");
        assertThat(total(tally).get("requests").asLong()).isZero();
        Transcript.append(f, answer(T2, "s1", "msg_1", "req_1").usage(25, 300, 1500, 12000).json() + "\n");
        assertThat(importAll(tally).out()).contains("1 file, 1 lines\n").containsPattern("records added: +1\n")
                .containsPattern("duplicates dropped: +1\n").doesNotContain("held");
        assertThat(total(tally).get("output_tokens").asLong()).isEqualTo(300);

        Path stale = projects().resolve("p/s2.jsonl"); // Claude Code stopped long ago: take what is there
        Transcript.write(stale, answer(T3, "s2", "msg_5", "req_5").usage(25, 1, 0, 0).provisional().json());
        old(stale);
        importAll(tally);
        assertThat(total(tally).get("requests").asLong()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aHeldLastAnswerIsCountedOnceTheFileGoesQuietEvenThoughItNeverGrew(TestStores.Kind kind) throws Exception {
        Path f = projects().resolve("p/s1.jsonl");
        Transcript.write(f, answer(T1, "s1", "msg_1", "req_1").usage(25, 1, 1500, 12000).provisional().json());
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        assertThat(total(tally).get("requests").asLong()).isZero();
        old(f); // Claude Code was closed mid-answer: the file stays as it was
        importAll(tally);
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
        assertThat(importAll(tally).out()).contains("1 file unchanged since the last import");
        assertThat(total(tally).get("requests").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anAnswerPinnedToTheUsIsPricedWithDataResidencyAndKeepsItWhenRepriced(TestStores.Kind kind) throws Exception {
        // formats §6.2: inference_geo "us" on a 4.6+ model costs 1.1x on every token class
        Transcript.write(projects().resolve("p/s1.jsonl"),
                answer(T1, "s1", "msg_1", "req_1").model("claude-opus-4-6").usage(100_000, 100_000, 0, 0).json(),
                answer(T2, "s1", "msg_2", "req_2").model("claude-opus-4-6").usage(100_000, 100_000, 0, 0).json()
                        .replace("\"service_tier\":\"standard\"", "\"service_tier\":\"standard\",\"inference_geo\":\"us\""),
                answer(T3, "s1", "msg_3", "req_3").model("claude-opus-4-6").usage(100_000, 100_000, 0, 0).json()
                        .replace("\"service_tier\":\"standard\"", "\"service_tier\":\"standard\",\"inference_geo\":null"));
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        long expected = 3_000_000_000L + 3_300_000_000L + 3_000_000_000L; // $3.00 global, $3.30 in the US, $3.00 unpinned
        assertThat(total(tally).get("cost_nanos").asLong()).isEqualTo(expected);
        tally.run("reprice", "--from", DAY, "--to", DAY).ok();
        assertThat(total(tally).get("cost_nanos").asLong()).as("the pin is stored with the record").isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aPinnedGeoInBedrockOrVertexModeIsNotFirstPartyDataResidency(TestStores.Kind kind) throws Exception {
        // In those modes Claude Code writes the first-party model name; the message id is the cloud's own.
        String us = "\"service_tier\":\"standard\",\"inference_geo\":\"us\"";
        Transcript.write(projects().resolve("p/s1.jsonl"),
                answer(T1, "s1", "msg_bdrk_01A", "req_1").model("claude-opus-4-6").usage(100_000, 100_000, 0, 0).json()
                        .replace("\"service_tier\":\"standard\"", us),
                answer(T2, "s1", "msg_vrtx_01B", "req_2").model("claude-opus-4-6").usage(100_000, 100_000, 0, 0).json()
                        .replace("\"service_tier\":\"standard\"", us));
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        assertThat(total(tally).get("cost_nanos").asLong()).as("$3.00 each, as the cloud bills it").isEqualTo(6_000_000_000L);
        assertThat(tally.run("export", "--format", "jsonl").ok().out())
                .contains("\"provider\":\"bedrock\"").contains("\"provider\":\"vertex\"").doesNotContain("\"provider\":\"anthropic\"");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anAnswerOfTheBatchTierIsPricedAtTheBatchRate(TestStores.Kind kind) throws Exception {
        Transcript.write(projects().resolve("p/s1.jsonl"),
                answer(T1, "s1", "msg_1", "req_1").model("claude-opus-4-6").usage(100_000, 100_000, 0, 0).json(),
                answer(T2, "s1", "msg_2", "req_2").model("claude-opus-4-6").usage(100_000, 100_000, 0, 0).json()
                        .replace("\"service_tier\":\"standard\"", "\"service_tier\":\"batch\""));
        Tally tally = new Tally(kind, dir);
        importAll(tally);
        assertThat(total(tally).get("cost_nanos").asLong()).as("$3.00, then half of it (formats §1.7)")
                .isEqualTo(3_000_000_000L + 1_500_000_000L);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void bedrockAndVertexModelIdsAreNormalizedAndPricedAsTheirProvider(TestStores.Kind kind) throws Exception {
        Transcript.write(projects().resolve("p/s1.jsonl"),
                answer(T1, "s1", "msg_1", "req_1").model("us.anthropic.claude-sonnet-4-5-20250929-v1:0").usage(100_000, 0, 0, 0).json(),
                answer(T2, "s1", "msg_2", "req_2").model("claude-sonnet-4-5@20250929").usage(100_000, 0, 0, 0).json(),
                answer(T3, "s1", "msg_3", "req_3").model("claude-imaginary-9").json());
        Tally tally = new Tally(kind, dir);
        assertThat(importAll(tally).out()).contains("UNPRICED: 1 records on claude-imaginary-9 (1)");
        JsonNode models = tally.run("report", "--by", "model", "--from", DAY, "--to", DAY, "--format", "json").json();
        assertThat(models.at("/rows/0/key").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(models.at("/rows/0/cost_usd").asText()).isEqualTo("0.63"); // 100K input: $0.33 in a US profile (+10%), $0.30 on Vertex
    }

    @Test
    void claudeConfigDirReplacesTheDefaultFoldersAndTakesACommaList() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".claude/projects"));
        Files.createDirectories(home.resolve(".config/claude/projects"));
        Path a = Files.createDirectories(dir.resolve("a/projects"));
        Path b = Files.createDirectories(dir.resolve("b"));
        assertThat(TranscriptFiles.defaultRoots(Map.of(), home))
                .containsExactly(home.resolve(".claude/projects"), home.resolve(".config/claude/projects"));
        assertThat(TranscriptFiles.defaultRoots(Map.of("CLAUDE_CONFIG_DIR", dir.resolve("a") + "," + b), home))
                .containsExactly(a, b);
        assertThat(TranscriptFiles.defaultRoots(Map.of(), dir.resolve("nobody"))).isEqualTo(List.of());
    }
}
