package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/usage groups and splits by region, and region= filters, beside the demo's first-party month. */
class RegionApiTest {
    @TempDir Path dir;

    private static UsageEvent bedrock(String id, String region, long costNanos) {
        return UsageEvent.builder().id(id).time(WebHarness.NOW.minusSeconds(3600)).identity("dana").provider("bedrock")
                .modelId("claude-sonnet-4-5-20250929").tokens(TokenCounts.of(100, 10)).cost(costNanos, "test")
                .region(region).build();
    }

    private static Map<String, String> costs(JsonNode usage) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : usage.path("rows")) out.put(r.path("key").asText(), r.path("cost_usd").asText());
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void usageByRegionAndTheRegionFilter(TestStores.Kind kind) {
        try (WebHarness h = new WebHarness(kind, dir)) {
            h.ledger.write(List.of(bedrock("b1", "us-east-1", 2_000_000_000L), bedrock("b2", "eu-west-1", 500_000_000L)));

            JsonNode byRegion = h.json("/api/usage?days=30&by=region");
            assertThat(byRegion.path("by").asText()).isEqualTo("region");
            assertThat(costs(byRegion)).containsKeys("(none)", "us-east-1", "eu-west-1").hasSize(3);
            assertThat(costs(byRegion)).containsEntry("us-east-1", "2.00").containsEntry("eu-west-1", "0.50");

            assertThat(costs(h.json("/api/usage?days=30&by=person&region=us-east-1"))).containsOnly(Map.entry("dana", "2.00"));
            assertThat(h.json("/api/totals?days=7&region=eu-west-1").path("total").path("cost_usd").asText()).isEqualTo("0.50");

            JsonNode split = h.json("/api/usage?days=2&by=day&split=region");
            assertThat(split.path("split").asText()).isEqualTo("region");
            List<String> splits = split.path("rows").findValuesAsText("split");
            assertThat(splits).contains("us-east-1", "eu-west-1", "(none)");
        }
    }
}
