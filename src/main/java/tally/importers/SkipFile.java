package tally.importers;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every skip of one import, one {@code file:line: reason} a line, in a file the user named. A write
 * that fails does not stop the import (its records matter more than the list): the first failure is
 * kept and {@link #close} reports it.
 */
public final class SkipFile implements SkipLog, AutoCloseable {
    private final Path path;
    private final BufferedWriter out;
    private IOException failed;

    private SkipFile(Path path, BufferedWriter out) {
        this.path = path;
        this.out = out;
    }

    /** Creates (or empties) the file; one that cannot be written is refused before the import starts. */
    public static SkipFile create(Path path) {
        try {
            return new SkipFile(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write the list of skipped lines (" + e.getMessage() + ")", e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void write(String skip) {
        if (failed != null) return;
        try {
            out.write(skip);
            out.write('\n');
        } catch (IOException e) {
            failed = e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            if (failed == null) failed = e;
        }
        if (failed != null) throw new IOException(path + ": the list of skipped lines is incomplete (" + failed.getMessage() + ")", failed);
    }
}
