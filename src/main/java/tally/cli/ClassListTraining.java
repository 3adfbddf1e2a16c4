package tally.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the short commands once each, in one JVM, on a scratch store, so the launcher can list the
 * classes they load and archive them for later starts. One process instead of one per command:
 * the archive is made in about the time of two commands, not sixteen.
 */
public final class ClassListTraining {

    private static final List<String> COMMANDS = List.of(
            "record --user train --model claude-sonnet-4-5 --input 1 --output 1 --id train",
            "report",
            "report --by model --split user --format json",
            "report --by day --split user",
            "totals",
            "top",
            "recent",
            "blocks",
            "activity",
            "export",
            "statusline",
            "people list",
            "projects list",
            "budgets list",
            "keys list",
            "prices",
            "estimate --model claude-sonnet-4-5 --input 1 --output 1",
            "estimate --compare claude-haiku-4-5 --days 30",
            "reconcile",
            "users list",
            "--help");

    private ClassListTraining() {}

    /** Argument: the scratch data folder. Output is thrown away; a command that fails only trains less. */
    public static void main(String[] args) throws IOException {
        Main.openTheJarAhead(true, ReportCommand.class); // as Main.main does, so its classes are in the archive too
        Logging.configure();
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        List<String> commands = new ArrayList<>(COMMANDS);
        // an import, cold then with nothing new: the incremental import is a short command too
        String transcripts = transcripts(Path.of(args[0] + "-transcripts"));
        commands.add("import claude-code " + transcripts + " --user train");
        commands.add("import claude-code " + transcripts + " --user train");
        for (String command : commands) {
            String[] words = command.split(" ");
            String[] line = new String[words.length + 2];
            line[0] = "--data";
            line[1] = args[0];
            System.arraycopy(words, 0, line, 2, words.length);
            Main.runOpeningAhead(line, nowhere, nowhere); // as Main.main does, so the classes that open ahead are archived
        }
    }

    /** A folder holding one transcript with one assistant line, written an hour ago. */
    private static String transcripts(Path folder) throws IOException {
        Path project = Files.createDirectories(folder.resolve("train"));
        String line = "{\"type\":\"assistant\",\"sessionId\":\"train\",\"requestId\":\"req_train\","
                + "\"timestamp\":\"" + Instant.now().minus(Duration.ofHours(1)) + "\",\"cwd\":\"/train\","
                + "\"message\":{\"id\":\"msg_train\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n";
        Path file = Files.writeString(project.resolve("train.jsonl"), line);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1)))); // quiet: read whole
        return folder.toString();
    }
}
