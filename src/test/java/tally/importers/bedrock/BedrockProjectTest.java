package tally.importers.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A Bedrock invocation's requestMetadata names its project. */
class BedrockProjectTest {
    @TempDir Path dir;

    private static Map<String, String> costBy(Tally tally, String by) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var row : tally.run("report", "--from", "2026-03-01", "--to", "2026-03-03", "--format", "json", "--by", by)
                .ok().json().get("rows")) out.put(row.get("key").asText(), row.get("cost_usd").asText());
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void bedrockRequestMetadataNamesTheProject(TestStores.Kind kind) throws Exception {
        ObjectNode tagged = BedrockImportTest.record("r-1", "2026-03-02T10:15:00Z", BedrockImportTest.ALICE, "us-east-1",
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
        tagged.putObject("requestMetadata").put("project", "billing").put("team", "payments");
        ObjectNode untagged = BedrockImportTest.record("r-2", "2026-03-02T10:16:00Z", BedrockImportTest.ALICE, "us-east-1",
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0");
        Path file = dir.resolve("logs/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/03/02/10/a.json.gz");
        BedrockImportTest.gzipLines(file, tagged, untagged);

        Tally tally = new Tally(kind, dir);
        tally.run("import", "bedrock", dir.resolve("logs").toString()).ok();
        assertThat(costBy(tally, "project")).containsOnlyKeys("billing", "(none)");
        assertThat(costBy(tally, "key")).containsOnlyKeys("alice@corp.com");
    }
}
