package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.report.RequestList;
import tally.store.TestStores;
import tally.store.TopRequest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row of {@code /api/top} has every field {@code tally top} and {@code recent} print, by the same name
 * (the developer is "person", as everywhere in the API), the exact cost in nano-dollars included.
 */
class TopApiFieldsTest {
    @TempDir Path dir;

    @Test
    void aRowNamesWhatTheCliNamesAndGivesTheCostInNanos() {
        try (WebHarness h = new WebHarness(TestStores.Kind.DUCKDB, dir)) { // the fields are written above the store: one will do
            check(h);
        }
    }

    private static void check(WebHarness h) {
        TopRequest any = new TopRequest("x", Instant.EPOCH, "p", "gateway", "m", null, null, TokenCounts.of(1, 1), 1L, 200);
        List<String> cli = names(RequestList.object(any));
        JsonNode rows = h.json("/api/top?days=1&source=gateway").path("requests");
        JsonNode dev9 = h.json("/api/top?person=dev9").path("requests");
        for (JsonNode page : List.of(rows, dev9)) {
            assertThat(page).isNotEmpty().allSatisfy(row -> assertThat(names(row)).containsAll(
                    cli.stream().map(n -> n.equals("user") ? "person" : n).toList()));
        }

        JsonNode gateway = find(rows, "gw-0"); // 1,000 in, 100 out, priced at exactly $2
        assertThat(gateway.path("cost_usd").asText()).isEqualTo("2.00");
        assertThat(gateway.path("cost_nanos").asLong()).isEqualTo(2_000_000_000L);
        assertThat(gateway.path("total_tokens").asLong()).isEqualTo(1_100);
        assertThat(gateway.path("cache_write_tokens").asLong()).isZero();
        JsonNode unpriced = find(dev9, "mystery-1"); // a model with no price
        assertThat(unpriced.path("cost_usd").isNull()).isTrue();
        assertThat(unpriced.path("cost_nanos").isNull()).isTrue();
    }

    private static JsonNode find(JsonNode rows, String id) {
        for (JsonNode r : rows) if (r.path("id").asText().equals(id)) return r;
        throw new AssertionError("no row " + id + " in " + rows);
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
