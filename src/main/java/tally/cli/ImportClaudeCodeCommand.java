package tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.importers.ImportSummary;
import tally.importers.Progress;
import tally.importers.SkipFile;
import tally.importers.claudecode.TranscriptFiles;
import tally.importers.claudecode.TranscriptImporter;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.store.ImportOffsets;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

@Command(name = "claude-code", description = "Import Claude Code transcripts (~/.claude/projects, ~/.config/claude/projects, "
        + "or $CLAUDE_CONFIG_DIR, a comma list). Incremental: a second run reads only what was added.")
final class ImportClaudeCodeCommand implements Runnable, CommandLine.IExitCodeGenerator {
    @Spec CommandSpec spec;

    @Mixin SkipsOption skips;

    private int exitCode;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Transcript files or folders (default: where Claude Code writes them).")
    List<Path> paths;

    @Option(names = "--user", paramLabel = "U", description = "Whose usage this is (default: the login name).")
    String user;

    /**
     * Larger batches than a server's: an import has a million records ready at once, and nobody
     * waiting on each. Unspooled: the transcripts are the durable copy, and their offsets are saved
     * only once the store has everything read before them. A batch is a little more than DuckDB's
     * row group (122,880 rows), and on DuckDB the batches share one transaction ({@link
     * tally.store.BulkWrite}), so the records are written straight to the database file in whole row
     * groups instead of through the WAL and a later checkpoint; two batches fit the 192 MB heap the
     * launcher gives an import.
     */
    static IngestWriter bulkWriter(Session s) {
        return new IngestWriter(s.ledger, new Spool(s.store.config().spoolDir()), e -> s.catalog().price(e), // read once used
                new IngestWriter.Options(125_000, Duration.ofMillis(500), 25_000, false));
    }

    @Override
    public void run() {
        GlobalOptions g = ImportCommand.global(spec);
        List<Path> roots = paths == null || paths.isEmpty()
                ? TranscriptFiles.defaultRoots(System.getenv(), Path.of(System.getProperty("user.home")))
                : paths;
        if (roots.isEmpty()) {
            throw new UserError("no Claude Code transcripts found in ~/.claude/projects or ~/.config/claude/projects "
                    + "(give a PATH, or set CLAUDE_CONFIG_DIR)");
        }
        String identity = user != null ? user.trim() : System.getProperty("user.name", "unknown");
        if (identity.isEmpty()) throw new UserError("--user must not be empty");
        exitCode = skips.run(log -> List.of(Backend.server(g).isPresent()
                ? beside(g, roots, identity, log) : here(g, roots, identity, log)), spec.commandLine().getOut());
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    private ImportSummary here(GlobalOptions g, List<Path> roots, String identity, SkipFile log) {
        TranscriptFiles.Search search = TranscriptFiles.startFinding(roots, log); // the tree is walked while the store opens
        try (Session s = Session.open(g); IngestWriter writer = bulkWriter(s)) {
            TranscriptImporter importer = new TranscriptImporter(new ImportOffsets(s.store), writer, s::catalog, identity, s.clock, log);
            try (Progress progress = Progress.start("claude-code", 0)) {
                return importer.run(search, progress);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    /** Beside a running server: the files are read here, their records stored by the server. */
    private ImportSummary beside(GlobalOptions g, List<Path> roots, String identity, SkipFile log) {
        try (Backend b = Backend.open(g)) {
            ServerImport server = new ServerImport(b);
            TranscriptImporter importer = new TranscriptImporter(server, server, () -> Session.catalogOf(g), identity,
                    Clock.systemUTC(), log);
            try (Progress progress = Progress.start("claude-code", 0)) {
                return importer.run(roots, progress);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }
}
