package tally.cli;

import org.junit.jupiter.api.Test;
import tally.store.StoreException;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Why the data folder cannot be made is said in words, not left as a bare path (causes a test run as root cannot provoke). */
class DataFolderErrorTest {
    private static final Path DATA = Path.of("/srv/tally/data");

    private static String said(Exception cause) {
        return DataFolderError.explain(DATA, new StoreException("cannot create data directory " + DATA + ": " + cause.getMessage(), cause))
                .getMessage();
    }

    @Test
    void aFolderItMayNotCreateIsPermissionDenied() {
        assertThat(said(new AccessDeniedException("/srv/tally/data"))).isEqualTo("cannot create data directory /srv/tally/data: permission denied");
        assertThat(said(new AccessDeniedException("/srv/tally")))
                .isEqualTo("cannot create data directory /srv/tally/data: permission denied creating /srv/tally");
    }

    @Test
    void anyOtherFileSystemFailureGivesItsReason() {
        assertThat(said(new FileSystemException("/srv/tally/data", null, "Read-only file system")))
                .isEqualTo("cannot create data directory /srv/tally/data: Read-only file system");
        assertThat(said(new java.nio.file.NoSuchFileException("/srv/tally")))
                .isEqualTo("cannot create data directory /srv/tally/data: /srv/tally: no such file or directory");
    }

    @Test
    void aFailureThatIsNotTheFoldersIsLeftAsItWas() {
        StoreException sql = new StoreException("cannot open x: IO Error", new java.sql.SQLException("IO Error"));
        assertThat(DataFolderError.explain(DATA, sql)).isSameAs(sql);
    }
}
