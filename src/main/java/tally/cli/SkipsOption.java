package tally.cli;

import picocli.CommandLine.Option;
import tally.importers.ImportSummary;
import tally.importers.SkipFile;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** {@code --skips FILE} of the file imports, and their exit code: {@link Main#SKIPPED} when lines were skipped. */
final class SkipsOption {
    @Option(names = "--skips", paramLabel = "FILE",
            description = "Write every skipped line (file:line: reason) to FILE; the summary shows the first five. "
                    + "An import that skipped lines exits with status 3.")
    Path file;

    /** The file every skip goes to, or null without --skips; one that cannot be written is refused up front. */
    SkipFile open() {
        if (file == null) return null;
        try {
            return SkipFile.create(file);
        } catch (UncheckedIOException e) {
            throw new UserError("--skips " + e.getMessage(), e);
        }
    }

    /** Closes the list of an import that failed; the failure is what the user is told. */
    static void abandon(SkipFile log) {
        if (log == null) return;
        try {
            log.close();
        } catch (IOException ignored) {
            // the import's own failure is reported instead
        }
    }

    /** Prints the summary, closes the list (a failed write to it is reported), and gives the exit code. */
    int finish(ImportSummary summary, SkipFile log, PrintWriter out) {
        return finish(java.util.List.of(summary), log, out);
    }

    /** The same for an import in parts (a pull, then files), each with its summary. */
    int finish(java.util.List<ImportSummary> summaries, SkipFile log, PrintWriter out) {
        long skipped = 0;
        for (ImportSummary summary : summaries) {
            out.print(summary.render(log == null ? null : log.path().toString()));
            skipped += summary.malformed();
        }
        out.flush();
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
        return skipped > 0 ? Main.SKIPPED : 0;
    }
}
