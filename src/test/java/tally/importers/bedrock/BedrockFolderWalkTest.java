package tally.importers.bedrock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.bedrock.BedrockImportTest.ALICE;
import static tally.importers.bedrock.BedrockImportTest.BOB;
import static tally.importers.bedrock.BedrockImportTest.DAY;
import static tally.importers.bedrock.BedrockImportTest.gzipLines;
import static tally.importers.bedrock.BedrockImportTest.record;

/** Which files {@code import bedrock FOLDER} reads: the folder's own place, links and S3's large bodies. */
class BedrockFolderWalkTest {
    static final String MODEL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    static final String HOUR = "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/03/02/10/";

    @TempDir Path dir;

    @Test
    void aLogRootInsideAFolderNamedDataIsReadAndOnlyTheLargeBodyDataFolderBelowItIsSkipped() throws Exception {
        Path root = dir.resolve("home/me/data/s3");
        gzipLines(root.resolve(HOUR + "a.json.gz"), record("r-1", DAY + "T10:15:00Z", ALICE, "us-east-1", MODEL));
        // S3's large-body objects (inputBodyS3Path, outputBodyS3Path) sit under a data/ segment: not logs
        gzipLines(root.resolve(HOUR + "data/body.json.gz"), record("r-body", DAY + "T10:16:00Z", ALICE, "us-east-1", MODEL));

        String out = new Tally(TestStores.Kind.DUCKDB, dir).run("import", "bedrock", root.toString()).ok().out();

        assertThat(out).contains("1 file,").containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +0\n");
    }

    @Test
    void symlinkedFoldersAreFollowed() throws Exception {
        Path elsewhere = dir.resolve("disk2/us-east-1");
        gzipLines(elsewhere.resolve("2026/03/02/10/a.json.gz"), record("r-1", DAY + "T10:15:00Z", ALICE, "us-east-1", MODEL));
        Path root = dir.resolve("sync/AWSLogs/123456789012/BedrockModelInvocationLogs");
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("us-east-1"), elsewhere);
        Path linkedRoot = dir.resolve("latest");
        Files.createSymbolicLink(linkedRoot, dir.resolve("sync"));

        String out = new Tally(TestStores.Kind.DUCKDB, dir).run("import", "bedrock", linkedRoot.toString()).ok().out();

        assertThat(out).contains("1 file,").containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +0\n");
    }

    @Test
    void aSymlinkLoopAndABrokenLinkAreNamedAndCountedAndTheRestIsImported() throws Exception {
        Path root = dir.resolve("sync");
        gzipLines(root.resolve(HOUR + "a.json.gz"), record("r-1", DAY + "T10:15:00Z", BOB, "us-east-1", MODEL));
        Path loop = root.resolve("AWSLogs/back-to-the-top");
        Files.createSymbolicLink(loop, root);
        Path broken = root.resolve(HOUR + "gone.json.gz");
        Files.createSymbolicLink(broken, dir.resolve("nowhere.json.gz"));

        String out = new Tally(TestStores.Kind.DUCKDB, dir).run("import", "bedrock", root.toString()).imported().out();

        assertThat(out).contains("1 file,").containsPattern("records added: +1\n").containsPattern("malformed lines skipped: +2\n")
                .contains(loop.toAbsolutePath().normalize() + ": a symbolic link back to a folder above it, not followed")
                .contains(broken.toAbsolutePath().normalize() + ": a symbolic link to nothing");
    }
}
