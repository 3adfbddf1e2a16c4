package tally.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.budget.Budget;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message Batches: created only as their requests would be sent one by one (the key's models and
 * max_tokens cap, the caller's hard budgets); results' usage recorded at the batch price, once however
 * often they are fetched.
 */
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

    static final String HAIKU = "claude-haiku-4-5";
    static final String OPUS = "claude-opus-4-5";

    static String request(String customId, String model, long maxTokens) {
        return "{\"custom_id\":\"" + customId + "\",\"params\":{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.5}}";
    }

    static String batch(String... requests) {
        return "{\"requests\":[" + String.join(",", requests) + "]}";
    }

    static HttpResponse<byte[]> create(GatewayHarness gw, String key, String body) {
        return Http.post(gw.url() + "/v1/messages/batches", Http.withKey(key), body);
    }

    static Budget hardDaily(String person, long nanos) {
        return new Budget(person + "-daily", Budget.Scope.PERSON, person, Budget.Period.DAILY, Budget.Unit.USD, nanos, true, 100);
    }

    @Test
    void a_batch_naming_a_model_outside_the_keys_allow_list_gets_403_naming_the_model_and_the_custom_id() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.models(HAIKU).maxTokens(10));
            HttpResponse<byte[]> denied = create(gw, key, batch(request("b-1", HAIKU, 10), request("b-2", OPUS, 64_000)));
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(new String(denied.body())).contains("\"type\":\"permission_error\"").contains("model '" + OPUS + "'")
                    .contains("custom_id 'b-2'").contains("requests[1]");
            assertThat(gw.upstream.seen).isEmpty();
        }
    }

    @Test
    void max_tokens_above_the_keys_cap_is_clamped_in_each_request_of_a_batch_and_every_other_byte_is_kept() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.maxTokens(1_000));
            String body = batch(request("c-1", HAIKU, 64_000), request("c-2", HAIKU, 500), request("c-3", HAIKU, 1_001));
            assertThat(create(gw, key, body).statusCode()).isEqualTo(200);
            assertThat(gw.upstream.last().uri()).isEqualTo("/v1/messages/batches");
            assertThat(gw.upstream.last().body()).isEqualTo(batch(request("c-1", HAIKU, 1_000), request("c-2", HAIKU, 500),
                    request("c-3", HAIKU, 1_000)));
            assertThat(gw.records()).isEmpty(); // results are recorded when fetched
        }
    }

    @Test
    void a_batch_under_an_exhausted_hard_budget_gets_402_as_a_message_would() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(hardDaily("alice", 10_000_000L)); // $0.01
            gw.writer.submit(BudgetTest.spent("earlier-today", Instant.now().minusSeconds(60), gw.keys.list().get(0).id(), 20_000_000L));
            gw.gateway.reload();
            HttpResponse<byte[]> refused = create(gw, key, batch(request("d-1", HAIKU, 10)));
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(new String(refused.body())).contains("\"type\":\"billing_error\"").contains("budget 'alice-daily'")
                    .contains("is exhausted").contains("resets at");
            assertThat(gw.upstream.seen).isEmpty();
        }
    }

    @Test
    void a_batch_whose_worst_case_at_the_batch_price_exceeds_what_is_left_gets_402_and_one_that_fits_goes() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(hardDaily("alice", 1_000_000_000L)); // $1
            // each: 200K at Haiku's 1-hour cache write ($2/M) + 1,000 output at $5/M, halved = $0.2025
            String one = request("e-1", HAIKU, 1_000);
            HttpResponse<byte[]> refused = create(gw, key, batch(one, one, one, one, one));
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(new String(refused.body())).contains("billing_error").contains("budget 'alice-daily'").contains("$1.00 left")
                    .contains("up to $1.01").contains("batch price");
            assertThat(gw.upstream.seen).isEmpty();
            assertThat(create(gw, key, batch(one, one, one, one)).statusCode()).isEqualTo(200);
            assertThat(gw.upstream.seen).hasSize(1);
        }
    }

    @Test
    void a_batch_naming_a_model_the_catalog_cannot_price_gets_402_under_a_hard_dollar_budget() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(hardDaily("alice", 1_000_000_000L));
            HttpResponse<byte[]> refused = create(gw, key, batch(request("f-1", HAIKU, 10), request("f-2", "claude-future-9", 10)));
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(new String(refused.body())).contains("model 'claude-future-9'").contains("custom_id 'f-2'").contains("--prices");
            assertThat(gw.upstream.seen).isEmpty();
        }
    }

    @Test
    void a_batch_body_the_gateway_cannot_read_gets_400_with_the_reason() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            for (String body : List.of("not json", "{\"requests\":{}}", "{\"requests\":[{\"custom_id\":\"g-1\"}]}",
                    "{\"requests\":[{\"custom_id\":\"g-1\",\"params\":{\"model\":\"" + HAIKU + "\",\"model\":\"" + OPUS + "\"}}]}")) {
                HttpResponse<byte[]> r = create(gw, key, body);
                assertThat(r.statusCode()).as(body).isEqualTo(400);
                assertThat(new String(r.body())).as(body).contains("\"type\":\"invalid_request_error\"");
            }
            assertThat(gw.upstream.seen).isEmpty();
        }
    }
}
