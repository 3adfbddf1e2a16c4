package tally.importers;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every imported record carries a project: the transcript's working directory, Bedrock's requestMetadata. */
class ProjectSourcesTest {
    @TempDir Path dir;

    static Map<String, String> costBy(Tally tally, String... args) {
        String[] all = new String[args.length + 7];
        System.arraycopy(new String[] {"report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json"}, 0, all, 0, 7);
        System.arraycopy(args, 0, all, 7, args.length);
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode row : tally.run(all).ok().json().get("rows")) out.put(row.get("key").asText(), row.get("cost_usd").asText());
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTranscriptsWorkingDirectoryIsMappedToAProjectAfterImportAndProjectsGroupIntoCostCenters(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        tally.run("import", "claude-code", Tally.FIXTURES.resolve("transcripts").toString(), "--user", "alice").ok();
        Map<String, String> raw = costBy(tally, "--by", "project");
        assertThat(raw).containsOnlyKeys("/home/alice/app");

        assertThat(tally.run("projects", "map", "/home/*/app", "shop").ok().out()).contains("mapped /home/*/app to shop");
        tally.run("projects", "set", "shop", "--cost-center", "CC-42").ok();

        assertThat(costBy(tally, "--by", "project")).containsExactly(Map.entry("shop", raw.get("/home/alice/app")));
        assertThat(costBy(tally, "--by", "cost-center")).containsExactly(Map.entry("CC-42", raw.get("/home/alice/app")));
        assertThat(costBy(tally, "--project", "shop")).containsOnlyKeys("alice");
        assertThat(costBy(tally, "--cost-center", "CC-7")).isEmpty();
        assertThat(tally.run("projects", "list").ok().out()).contains("/home/*/app").contains("shop").contains("CC-42");
    }
}
