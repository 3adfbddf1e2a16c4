package tally.importers.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A Bedrock invocation's region is the one its log names, else its S3 key's; first-party records have none. */
class BedrockRegionTest {
    private static final String SONNET = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";

    @TempDir Path dir;

    private static Map<String, Long> requestsBy(Tally tally, String by, String... filter) {
        String[] args = {"report", "--from", "2026-03-01", "--to", "2026-03-03", "--format", "json", "--by", by};
        String[] all = new String[args.length + filter.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(filter, 0, all, args.length, filter.length);
        Map<String, Long> out = new LinkedHashMap<>();
        for (var row : tally.run(all).ok().json().get("rows")) out.put(row.get("key").asText(), row.get("requests").asLong());
        return out;
    }

    private static Path s3(Path dir, String region, String name) {
        return dir.resolve("logs/AWSLogs/123456789012/BedrockModelInvocationLogs/" + region + "/2026/03/02/10/" + name);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void logsFromTwoRegionsSplitByRegionAndTheRegionFilterKeepsOne(TestStores.Kind kind) throws Exception {
        BedrockImportTest.gzipLines(s3(dir, "us-east-1", "a.json.gz"),
                BedrockImportTest.record("r-1", "2026-03-02T10:15:00Z", BedrockImportTest.ALICE, "us-east-1", SONNET),
                BedrockImportTest.record("r-2", "2026-03-02T10:16:00Z", BedrockImportTest.BOB, "us-east-1", SONNET));
        ObjectNode noRegionField = BedrockImportTest.record("r-4", "2026-03-02T10:18:00Z", BedrockImportTest.BOB, "x", SONNET);
        noRegionField.remove("region"); // the S3 key's region stands in
        BedrockImportTest.gzipLines(s3(dir, "eu-west-1", "b.json.gz"),
                BedrockImportTest.record("r-3", "2026-03-02T10:17:00Z", BedrockImportTest.BOB, "eu-west-1", SONNET), noRegionField);

        Tally tally = new Tally(kind, dir);
        tally.run("import", "bedrock", dir.resolve("logs").toString()).ok();
        tally.run("record", "--user", "carol", "--model", "claude-sonnet-4-5", "--input", "10", "--output", "5",
                "--at", "2026-03-02T11:00:00Z").ok(); // first-party: no region

        assertThat(requestsBy(tally, "region")).containsOnly(Map.entry("us-east-1", 2L), Map.entry("eu-west-1", 2L),
                Map.entry("(none)", 1L));
        assertThat(requestsBy(tally, "user", "--region", "us-east-1")).containsOnly(Map.entry("alice@corp.com", 1L),
                Map.entry("bob", 1L));
        assertThat(requestsBy(tally, "user", "--region", "(none)")).containsOnly(Map.entry("carol", 1L));
        assertThat(requestsBy(tally, "model")).containsOnly(Map.entry("claude-sonnet-4-5-20250929", 5L)); // unchanged
    }

    @Test
    void theRegionInAnS3KeyIsFoundAndAnythingElseHasNone() {
        assertThat(BedrockImporter.regionOf(Path.of("/b/AWSLogs/1234/BedrockModelInvocationLogs/ap-southeast-2/2026/03/02/10/x.json.gz")))
                .isEqualTo("ap-southeast-2");
        assertThat(BedrockImporter.regionOf(Path.of("/b/AWSLogs/1234/BedrockModelInvocationLogs/us-gov-west-1/x.json")))
                .isEqualTo("us-gov-west-1");
        assertThat(BedrockImporter.regionOf(Path.of("/exports/cloudwatch/us-east-1.json"))).isNull();
        assertThat(BedrockImporter.regionOf(Path.of("/b/BedrockModelInvocationLogs/data/x.json"))).isNull();
    }
}
