package tally.importers;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The files under a folder an importer is given, its symbolic links followed (logs are often
 * linked in from elsewhere). What cannot be walked — a link back to a folder above it, a link to
 * nothing, a folder that cannot be read — is a counted skip naming it, and the rest is found: one
 * bad corner of a tree never hides the others.
 */
public final class FollowedWalk {
    private FollowedWalk() {}

    /**
     * Hands {@code found} every regular file below {@code root} that {@code wanted} takes, not
     * entering the folders {@code enter} refuses (the root is always entered); the root itself
     * failing fails the walk.
     */
    public static void walk(Path root, Predicate<Path> enter, Predicate<Path> wanted, Consumer<Path> found, Skips skips)
            throws IOException {
        walk(root, enter, wanted, (file, attrs) -> found.accept(file), skips);
    }

    /** As {@link #walk(Path, Predicate, Predicate, Consumer, Skips)}, each file with the attributes the walk read for it. */
    public static void walk(Path root, Predicate<Path> enter, Predicate<Path> wanted, BiConsumer<Path, BasicFileAttributes> found,
                            Skips skips) throws IOException {
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(root) || enter.test(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!wanted.test(file)) return FileVisitResult.CONTINUE;
                if (attrs.isRegularFile()) found.accept(file, attrs);
                // links are followed, so a link seen as a link is one whose target is not there
                else if (attrs.isSymbolicLink()) skips.add(name(file), "a symbolic link to nothing");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (file.equals(root)) throw e;
                skips.add(name(file), why(e));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) skips.add(name(dir), why(e));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String why(IOException e) {
        if (e instanceof FileSystemLoopException) return "a symbolic link back to a folder above it, not followed";
        if (e instanceof AccessDeniedException) return "permission denied, not read";
        return "not read: " + (e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** As the importers name the files they read: absolute, normalized. */
    private static String name(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }
}
