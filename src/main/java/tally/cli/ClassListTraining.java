package tally.cli;

import java.io.PrintWriter;
import java.io.Writer;
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
            "--help");

    private ClassListTraining() {}

    /** Argument: the scratch data folder. Output is thrown away; a command that fails only trains less. */
    public static void main(String[] args) {
        Logging.configure();
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        for (String command : COMMANDS) {
            String[] words = command.split(" ");
            String[] line = new String[words.length + 2];
            line[0] = "--data";
            line[1] = args[0];
            System.arraycopy(words, 0, line, 2, words.length);
            Main.run(line, nowhere, nowhere);
        }
    }
}
