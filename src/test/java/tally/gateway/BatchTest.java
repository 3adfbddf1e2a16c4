package tally.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Message Batches: forwarded; results' usage recorded at the batch price, once however often they are fetched. */
class BatchTest {
    @TempDir Path dir;

    @Test
    void fetched_results_are_passed_through_and_each_succeeded_request_is_recorded_at_the_batch_price_once() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            String url = gw.url() + "/v1/messages/batches/msgbatch_01abc/results";
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> resp = Http.send("GET", url, Http.withKey(key), null);
                assertThat(resp.statusCode()).isEqualTo(200);
                assertThat(new String(resp.body())).contains("\"custom_id\":\"a-1\"").contains("\"custom_id\":\"a-4\"");
                gw.awaitRecords(2);
            }
            GatewayHarness.sleep(200);
            List<GatewayHarness.Rec> recs = gw.records();
            assertThat(recs).hasSize(2).allSatisfy(r -> {
                assertThat(r.batch()).isTrue();
                assertThat(r.identity()).startsWith("key_");
            });
            GatewayHarness.Rec sonnet = recs.stream().filter(r -> r.model().startsWith("claude-sonnet")).findFirst().orElseThrow();
            assertThat(sonnet.tokens()).isEqualTo(TokenCounts.of(1000, 2000));
            // (1,000 × $3 + 2,000 × $15) per million, halved
            assertThat(sonnet.costNanos()).isEqualTo(16_500_000L);
            GatewayHarness.Rec haiku = recs.stream().filter(r -> r.model().startsWith("claude-haiku")).findFirst().orElseThrow();
            assertThat(haiku.costNanos()).isEqualTo(500_000L);
            assertThat(gw.ledger.timeOf(sonnet.id())).contains(Instant.parse("2026-11-20T11:30:00Z")); // when the batch ended
        }
    }

    @Test
    void creating_a_batch_is_forwarded_and_not_recorded() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            String body = "{\"requests\":[{\"custom_id\":\"a-1\",\"params\":{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":10,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}]}";
            Http.post(gw.url() + "/v1/messages/batches", Http.withKey(key), body);
            assertThat(gw.upstream.last().uri()).isEqualTo("/v1/messages/batches");
            assertThat(gw.upstream.last().body()).isEqualTo(body);
            assertThat(gw.records()).isEmpty();
        }
    }
}
