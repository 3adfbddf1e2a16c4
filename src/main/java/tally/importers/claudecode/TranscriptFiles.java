package tally.importers.claudecode;

import tally.core.Beside;

import tally.importers.FollowedWalk;
import tally.importers.Skips;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where Claude Code keeps transcripts, and the files under a root. Subagent files
 * ({@code <project>/<session>/subagents/agent-*.jsonl}) are found by the recursive walk.
 */
public final class TranscriptFiles {

    /**
     * One transcript file and what its place says (the project directory and the session), with its
     * attributes as the search's walk read them (null where it did not): an import compares its size
     * and modification time with the last import's without asking the file system again.
     */
    public record TranscriptFile(Path path, String project, String session, BasicFileAttributes found) {
        public TranscriptFile(Path path, String project, String session) {
            this(path, project, session, null);
        }
    }

    private TranscriptFiles() {}

    /**
     * {@code $CLAUDE_CONFIG_DIR/projects} for each entry of that comma list when it is set; otherwise
     * {@code ~/.claude/projects} and {@code ~/.config/claude/projects} (or {@code $XDG_CONFIG_HOME/claude}),
     * which Claude Code used around v1.0.30. Only the ones that exist.
     */
    public static List<Path> defaultRoots(Map<String, String> env, Path home) {
        Set<Path> roots = new LinkedHashSet<>();
        String config = env.get("CLAUDE_CONFIG_DIR");
        if (config != null && !config.isBlank()) {
            for (String part : config.split(",")) {
                if (part.isBlank()) continue;
                Path p = Path.of(part.trim());
                roots.add(Files.isDirectory(p.resolve("projects")) ? p.resolve("projects") : p);
            }
        } else {
            roots.add(home.resolve(".claude").resolve("projects"));
            String xdg = env.get("XDG_CONFIG_HOME");
            Path xdgBase = xdg == null || xdg.isBlank() ? home.resolve(".config") : Path.of(xdg);
            roots.add(xdgBase.resolve("claude").resolve("projects"));
        }
        List<Path> out = new ArrayList<>();
        for (Path r : roots) if (Files.isDirectory(r)) out.add(r);
        return out;
    }

    /** Every {@code *.jsonl} under the roots (a root may also be one file), in path order, once each. */
    public static List<TranscriptFile> find(List<Path> roots) throws IOException {
        return find(roots, new Skips());
    }

    /**
     * As {@link #find(List)}; a folder below a root that cannot be walked (a symbolic link back to a
     * folder above it, one that cannot be read) is skipped into {@code skipped}, named, and the rest
     * is found. A root that is not there fails the whole search: the user named it.
     */
    public static List<TranscriptFile> find(List<Path> roots, Skips skipped) throws IOException {
        TreeMap<String, TranscriptFile> out = new TreeMap<>();
        for (Path root : roots) {
            if (Files.isRegularFile(root)) {
                Path abs = root.toAbsolutePath().normalize();
                out.putIfAbsent(abs.toString(), describe(abs.getParent() == null ? abs : abs.getParent(), abs));
                continue;
            }
            if (!Files.isDirectory(root)) throw new IOException(root + ": no such file or directory");
            Path base = root.toAbsolutePath().normalize();
            FollowedWalk.walk(base, dir -> true, file -> file.getFileName().toString().endsWith(".jsonl"),
                    (file, attrs) -> out.putIfAbsent(file.toString(), describe(base, file, attrs)), skipped);
        }
        return new ArrayList<>(out.values());
    }

    /**
     * {@link #find} on a thread of its own, started now: a command walks the tree (2,000 files, tens of
     * milliseconds) while it opens the store.
     */
    public static Search startFinding(List<Path> roots) {
        return startFinding(roots, null);
    }

    /** As {@link #startFinding(List)}, each folder skipped written to {@code skipLog} (or null) too. */
    public static Search startFinding(List<Path> roots, tally.importers.SkipLog skipLog) {
        Skips skipped = new Skips(skipLog);
        return new Search(Beside.start("find-transcripts", () -> find(roots, skipped)), skipped);
    }

    /** What {@link #startFinding} finds. */
    public static final class Search {
        private final Beside<List<TranscriptFile>> finding;
        private final Skips skipped;

        private Search(Beside<List<TranscriptFile>> finding, Skips skipped) {
            this.finding = finding;
            this.skipped = skipped;
        }

        /** The folders the walk could not enter, once {@link #files} has returned. */
        public Skips skipped() {
            return skipped;
        }

        /** The files found, once the walk is done; what {@link #find} would throw. */
        public List<TranscriptFile> files() throws IOException {
            try {
                return finding.join();
            } catch (Beside.Failed e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof InterruptedException) throw new IOException("interrupted while finding transcripts");
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Project: the first directory below the root (ccusage's rule), else the root's own name. */
    static TranscriptFile describe(Path root, Path file) {
        return describe(root, file, null);
    }

    private static TranscriptFile describe(Path root, Path file, BasicFileAttributes found) {
        Path rel = root.relativize(file);
        String project = rel.getNameCount() > 1 ? rel.getName(0).toString()
                : root.getFileName() == null ? "" : root.getFileName().toString();
        String stem = file.getFileName().toString();
        stem = stem.substring(0, stem.length() - ".jsonl".length());
        Path parent = file.getParent();
        String session = stem;
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("subagents")
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            session = parent.getParent().getFileName().toString();
        }
        return new TranscriptFile(file, project, session, found);
    }
}
