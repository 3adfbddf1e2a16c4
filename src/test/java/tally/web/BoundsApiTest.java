package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Bounds;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.TestStores;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard API at the ledger's bounds: exact figures or a clear 4xx, never a negative number or a 500. */
class BoundsApiTest {
    private static final long COST = 10_000_000_000_000_000L; // 1e16 nanos: more than any catalog price gives a record at the bound

    @TempDir Path dir;

    private static List<UsageEvent> atTheBound(int from, int n) {
        long max = Bounds.MAX_TOKENS;
        List<UsageEvent> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(UsageEvent.builder().id("max-" + i).time(WebHarness.NOW.minusSeconds(7_200)).identity("bulk" + i)
                    .modelId("claude-sonnet-4-5-20250929").tokens(new TokenCounts(max, max, max, max, max)).cost(COST, "test").build());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void sumsAtTheBoundAreExactAndBeyondALongAClearError(TestStores.Kind kind) {
        try (WebHarness h = new WebHarness(kind, dir)) {
            BigDecimal before = new BigDecimal(h.json("/api/totals?days=1").path("total").path("cost_usd").asText());
            h.ledger.write(atTheBound(0, 900));
            JsonNode totals = h.json("/api/totals?days=1");
            assertThat(new BigDecimal(totals.path("total").path("cost_usd").asText()))
                    .isEqualByComparingTo(before.add(new BigDecimal("9000000000"))); // 900 × $10M, exactly

            h.ledger.write(atTheBound(900, 100)); // now over 9.2e18 nano-dollars in all
            for (String path : List.of("/api/totals?days=1", "/api/usage?days=1&by=model", "/api/overview")) {
                HttpResponse<String> r = h.get(path, Map.of());
                assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(422);
                assertThat(WebHarness.read(r.body()).path("error").path("message").asText())
                        .contains("cost in nano-dollars", "exceeds");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aZoneWhoseOffsetIsNotWholeQuarterHoursIsA400(TestStores.Kind kind) {
        try (WebHarness h = new WebHarness(kind, dir)) {
            HttpResponse<String> fixed = h.get("/api/totals?days=7&tz=%2B05:07", Map.of());
            assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(400);
            assertThat(fixed.body()).contains("tz: time zone +05:07 has UTC offset +05:07");
            HttpResponse<String> lmt = h.get("/api/totals?from=1971-01-01&to=1971-01-31&tz=Africa/Monrovia", Map.of());
            assertThat(lmt.statusCode()).as(lmt.body()).isEqualTo(400);
            assertThat(lmt.body()).contains("-00:44:30");
            assertThat(h.get("/api/totals?days=7&tz=Asia/Kathmandu", Map.of()).statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aDateTheCliWouldRefuseIsA400NamingTheParameter(TestStores.Kind kind) {
        try (WebHarness h = new WebHarness(kind, dir)) {
            Map<String, String> refused = new java.util.LinkedHashMap<>(); // query -> the reason given
            refused.put("from=-292275055-01-01&to=-292275055-01-02", "to: expected a date YYYY-MM-DD, got '-292275055-01-02'");
            refused.put("from=-100000000-01-01&to=2026-01-02", "from: expected a date YYYY-MM-DD, got '-100000000-01-01'");
            refused.put("from=2026-01-01&to=%2B10000-01-02", "to: expected a date YYYY-MM-DD, got '+10000-01-02'");
            refused.put("from=0000-01-01&to=2026-01-02", "from: a range is at most 3660 days");
            for (String route : List.of("/api/usage", "/api/totals", "/api/top", "/api/activity")) {
                refused.forEach((query, why) -> {
                    HttpResponse<String> r = h.get(route + "?" + query, Map.of());
                    assertThat(r.statusCode()).as(route + "?" + query + " " + r.body()).isEqualTo(400);
                    assertThat(WebHarness.read(r.body()).path("error").path("message").asText()).isEqualTo(why);
                });
            }
        }
    }
}
