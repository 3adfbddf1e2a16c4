package tally.importers.bedrock;

import tally.importers.Skips;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The log files under the paths given to {@code import bedrock}, in path order. Folders are walked
 * through symbolic links; a link loop, a broken link or a folder that cannot be read is a counted
 * skip naming it, and the rest is still found.
 */
final class LogFiles {
    /** The segment S3 keeps large request and response bodies under, below the log root: not logs. */
    private static final String LARGE_BODIES = "data";

    private LogFiles() {}

    static List<Path> find(List<Path> paths, Skips skips) throws IOException {
        TreeSet<Path> out = new TreeSet<>();
        for (Path p : paths) {
            if (Files.isRegularFile(p)) {
                out.add(p);
                continue;
            }
            if (!Files.isDirectory(p)) throw new IOException(p + ": no such file or directory");
            Files.walkFileTree(p, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new Walk(p, out, skips));
        }
        return new ArrayList<>(out);
    }

    /**
     * Whether a file, named by its path below the log root (a folder given, a bucket prefix), is a
     * log: S3's permission-check object and the objects under a {@code data/} segment are not. Only
     * segments below the root count: the root itself may well sit in a folder named {@code data}.
     */
    static boolean isLog(Path below) {
        if (below.getFileName() == null) return false; // a key of slashes alone
        String name = below.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.contains("permission-check")) return false;
        for (int i = 0; i < below.getNameCount() - 1; i++) {
            if (below.getName(i).toString().equals(LARGE_BODIES)) return false;
        }
        return name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".gz") || name.endsWith(".log")
                || name.endsWith(".ndjson");
    }

    private static final class Walk extends SimpleFileVisitor<Path> {
        private final Path root;
        private final Set<Path> out;
        private final Skips skips;

        Walk(Path root, Set<Path> out, Skips skips) {
            this.root = root;
            this.out = out;
            this.skips = skips;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            boolean bodies = !dir.equals(root) && dir.getFileName().toString().equals(LARGE_BODIES);
            return bodies ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!isLog(root.relativize(file))) return FileVisitResult.CONTINUE;
            if (attrs.isRegularFile()) out.add(file);
            // links are followed, so a link seen as a link is one whose target is not there
            else if (attrs.isSymbolicLink()) skips.add(name(file), 0, "broken symbolic link");
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            skips.add(name(file), 0, e instanceof FileSystemLoopException ? "symbolic link loop, not followed"
                    : "cannot read: " + e.getMessage());
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            if (e != null) skips.add(name(dir), 0, "cannot read: " + e.getMessage());
            return FileVisitResult.CONTINUE;
        }

        private static String name(Path p) {
            return p.toAbsolutePath().normalize().toString(); // as the importer names the files it reads
        }
    }
}
