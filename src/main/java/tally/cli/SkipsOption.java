package tally.cli;

import picocli.CommandLine.Option;
import tally.importers.ImportSummary;
import tally.importers.SkipFile;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** {@code --skips FILE} of the file imports, and their exit code: {@link Main#SKIPPED} when lines were skipped. */
final class SkipsOption {
    @Option(names = "--skips", paramLabel = "FILE",
            description = "Write every skipped line (file:line: reason) to FILE; the summary shows the first five. "
                    + "An import that skipped lines exits with status 3.")
    Path file;

    /**
     * Runs an import with its skip list: the list is opened first (one that cannot be written is refused
     * up front), closed unsaid when the import fails (its failure is what the user is told), else the
     * summaries are printed and the exit code given.
     */
    int run(Function<SkipFile, List<ImportSummary>> importing, PrintWriter out) {
        SkipFile log = open();
        List<ImportSummary> summaries;
        try {
            summaries = importing.apply(log);
        } catch (RuntimeException e) {
            abandon(log);
            throw e;
        }
        return finish(summaries, log, out);
    }

    /** The file every skip goes to, or null without --skips. */
    private SkipFile open() {
        if (file == null) return null;
        try {
            return SkipFile.create(file);
        } catch (UncheckedIOException e) {
            throw new UserError("--skips " + e.getMessage(), e);
        }
    }

    private static void abandon(SkipFile log) {
        if (log == null) return;
        try {
            log.close();
        } catch (IOException ignored) {
            // the import's own failure is reported instead
        }
    }

    /** Prints each part's summary (a pull, then files), closes the list (a failed write to it is reported). */
    private static int finish(List<ImportSummary> summaries, SkipFile log, PrintWriter out) {
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
