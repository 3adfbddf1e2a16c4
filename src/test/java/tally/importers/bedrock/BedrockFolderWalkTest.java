package tally.importers.bedrock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.bedrock.BedrockImportTest.ALICE;
import static tally.importers.bedrock.BedrockImportTest.DAY;
import static tally.importers.bedrock.BedrockImportTest.gzipLines;
import static tally.importers.bedrock.BedrockImportTest.record;

/** Which files {@code import bedrock FOLDER} reads. */
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
}
