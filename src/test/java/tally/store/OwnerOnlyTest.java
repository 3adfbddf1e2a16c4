package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.ingest.Spool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage records on disk — the embedded database and the spool — are readable by their owner alone. */
class OwnerOnlyTest {
    @TempDir Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theEmbeddedDatabaseAndItsDirectoryAreTheOwners() throws Exception {
        Path data = dir.resolve("new").resolve("data");
        try (Store store = Store.open(StoreConfig.embedded(data))) {
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(data.getParent())).isEqualTo("rwx------");
            assertThat(mode(data.resolve("tally.duckdb"))).isEqualTo("rw-------");
            Path wal = data.resolve("tally.duckdb.wal");
            if (Files.exists(wal)) assertThat(mode(wal)).isEqualTo("rw-------");
        }
    }

    @Test
    void spoolSegmentsAndTheirDirectoryAreTheOwners() throws Exception {
        Path existing = Files.createDirectories(dir.resolve("spool"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
        Spool spool = new Spool(existing);
        assertThat(mode(existing)).as("an existing spool directory is narrowed").isEqualTo("rwx------");
        Path segment = spool.append(List.of(UsageEvent.builder().id("r1").time(Instant.parse("2026-03-18T10:00:00Z"))
                .identity("dev1").modelId("claude-haiku-4-5-20251001").tokens(TokenCounts.of(10, 1)).build()));
        assertThat(mode(segment)).isEqualTo("rw-------");
        Path fresh = dir.resolve("a").resolve("b");
        new Spool(fresh);
        assertThat(mode(fresh)).isEqualTo("rwx------");
        assertThat(mode(fresh.getParent())).isEqualTo("rwx------");
    }
}
