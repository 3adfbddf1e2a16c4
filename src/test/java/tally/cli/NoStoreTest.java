package tally.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer runs a reading command in a folder with no Tally data and no store chosen: it says so,
 * says how to get data, exits 2 and creates nothing. Commands that write still create the store.
 * Runs a real process, since the default store is a folder of the working directory.
 */
class NoStoreTest {
    static final List<String> READING = List.of("report", "top", "totals", "export", "people list", "activity",
            "reconcile", "blocks", "budgets list", "keys list", "reprice");

    @TempDir Path folder;

    @Test
    void readingCommandsInAFolderWithoutDataSaySoAndCreateNothing() throws Exception {
        Map<String, String> results = runInFolder(READING);
        for (String command : READING) {
            assertThat(results.get(command)).as("tally " + command)
                    .startsWith("exit 2, store absent: tally: no Tally data in ./tally-data")
                    .contains("run `tally demo` to try it, or `tally import claude-code` to read your Claude Code logs");
        }
        try (var files = Files.list(folder)) {
            assertThat(files.toList()).as("nothing created").isEmpty();
        }
    }

    @Test
    void writingCommandsStillCreateTheStoreAndThenReadingWorks() throws Exception {
        Map<String, String> results = runInFolder(List.of(
                "record --user alice --model claude-haiku-4-5 --input 10 --output 10 --id a1", "report", "people add bob"));
        assertThat(results.get("record --user alice --model claude-haiku-4-5 --input 10 --output 10 --id a1"))
                .startsWith("exit 0, store present");
        assertThat(results.get("report")).startsWith("exit 0, store present");
        assertThat(results.get("people add bob")).startsWith("exit 0, store present");
        assertThat(folder.resolve("tally-data")).isDirectory();
    }

    /** Runs each command line in one JVM whose working directory is {@link #folder}, with no store in its environment. */
    private Map<String, String> runInFolder(List<String> commands) throws IOException, InterruptedException {
        ChildJvm.Finished probe = ChildJvm.run(folder, Probe.class, commands);
        List<String> lines = probe.output().lines().toList();
        assertThat(probe.code()).as(probe.output()).isZero();
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : lines) {
            int tab = line.indexOf('\t');
            if (tab > 0) results.put(line.substring(0, tab), line.substring(tab + 1));
        }
        assertThat(results.keySet()).as(String.join("\n", lines)).containsAll(commands);
        return results;
    }

    /** Runs each argument as one tally command line (split on spaces); prints "command TAB exit N, store present|absent: stderr". */
    public static final class Probe {
        public static void main(String[] commands) {
            for (String command : commands) {
                StringWriter err = new StringWriter();
                int code = Main.run(command.split(" "), new PrintWriter(new StringWriter()), new PrintWriter(err));
                String store = Files.exists(Path.of("tally-data")) ? "present" : "absent";
                System.out.println(command + "\texit " + code + ", store " + store + ": " + err.toString().strip().replace('\n', '|'));
            }
            System.exit(0); // whatever threads a store left behind
        }
    }
}
