package tally.cli;

import tally.store.StoreException;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why the data folder could not be made, in words. The store says "cannot create data directory D: "
 * and the I/O exception's message, which for the usual causes is only a path ("D: D" for a file named D).
 */
final class DataFolderError {
    private DataFolderError() {}

    /** The store's failure to open, as one line naming the cause when it was the folder; else the failure as it was. */
    static RuntimeException explain(Path dataDir, StoreException e) {
        if (!(e.getCause() instanceof FileSystemException fs)) return e;
        return new UserError("cannot create data directory " + dataDir + ": " + cause(dataDir, fs), e);
    }

    static String cause(Path dataDir, FileSystemException fs) {
        Path at = fs.getFile() == null ? null : Path.of(fs.getFile());
        boolean self = at == null || at.equals(dataDir.toAbsolutePath());
        String where = self ? "it" : at.toString();
        if (fs instanceof FileAlreadyExistsException && at != null && !Files.isDirectory(at)) {
            return where + " is a file, not a folder";
        }
        if (fs instanceof AccessDeniedException) return "permission denied" + (self ? "" : " creating " + at);
        String reason = fs.getReason() != null ? fs.getReason()
                : fs instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : fs instanceof java.nio.file.NotDirectoryException ? "not a folder" : fs.getClass().getSimpleName();
        return self ? reason : at + ": " + reason;
    }
}
