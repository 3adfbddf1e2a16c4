package tally.importers.bedrock;

import tally.importers.FollowedWalk;
import tally.importers.Skips;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
            FollowedWalk.walk(p, dir -> !dir.getFileName().toString().equals(LARGE_BODIES),
                    file -> isLog(p.relativize(file)), out::add, skips);
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
}
