package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.store.StoreConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.priced;

/** /api/alerts and /api/alerts/rules over real HTTP. */
class AlertRoutesTest {
    @TempDir Path dir;

    private static HttpResponse<String> call(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return tally.gateway.Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The routes over the harness's rules and channels (log, slack, hook); answers the base URL. */
    private static String serve(AlertHarness h) throws Exception {
        Router router = Router.router(h.vertx);
        new AlertRoutes(h.vertx, h.rules, h.channels, h.alerts, h.clock).mount(router);
        HttpServer server = h.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Test
    void aRuleNamingAChannelThatIsNotConfiguredIsRefusedNamingTheChannelsThatAre() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-03T12:00:00Z")) {
            String base = serve(h);
            HttpResponse<String> refused = call("POST", base + "/api/alerts/rules", "{\"name\":\"t7\",\"kind\":\"threshold\","
                    + "\"scope\":\"person\",\"above\":\"0.001\",\"channels\":[\"slack\",\"nope\"]}");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(RuleJson.JSON.readTree(refused.body()).at("/error/message").asText())
                    .isEqualTo("rule 't7': channels: no channel named 'nope' (configured: log, slack, hook)");
            assertThat(RuleJson.JSON.readTree(refused.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(RuleJson.JSON.readTree(call("GET", base + "/api/alerts/rules", null).body()).get("rules")).isEmpty();
        }
    }

    @Test
    void anAlertForARuleWhoseChannelsAreAllGoneIsRecordedAsNotNotified() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-03T12:00:00Z")) {
            String base = serve(h);
            // added when a channel 'pager' was configured; the config no longer has it
            h.rules.save(RuleJson.parse(RuleJson.JSON.readTree("{\"name\":\"t7\",\"kind\":\"threshold\",\"scope\":\"person\","
                    + "\"above\":\"1\",\"channels\":[\"pager\"]}")), h.clock.millis());
            h.write(priced("a", "2026-03-03T10:00:00Z", "alice", 2_500_000_000L));

            assertThat(h.tickAt("2026-03-03T12:01:00Z")).as("nothing sent").isEmpty();
            JsonNode alerts = RuleJson.JSON.readTree(call("GET", base + "/api/alerts", null).body());
            assertThat(alerts.get("firing").findValuesAsText("rule")).containsExactly("t7");
            assertThat(alerts.get("history")).singleElement().satisfies(e -> {
                assertThat(e.get("state").asText()).isEqualTo("firing");
                assertThat(e.get("notified").asBoolean()).as("no channel got it").isFalse();
            });
            assertThat(h.slack.requests).isEmpty();
            assertThat(h.hook.requests).isEmpty();

            assertThat(h.tickAt("2026-03-04T00:01:00Z")).as("a firing never sent resolves silently").isEmpty();
            assertThat(h.alerts.history(1).get(0).notified()).isFalse();
        }
    }

    @Test
    void aBudgetRuleWithNoPercentagesOrOneThatIsNotAWholeNumberIsRefusedByValue() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-03T12:00:00Z")) {
            String base = serve(h);
            for (String[] bad : new String[][] {
                    {"[]", "rule 'b': percentages: expected at least one, such as [50, 80, 90, 100] (an empty list would never warn)"},
                    {"[50,\"x\"]", "rule 'b': percentages: expected whole numbers such as [50, 80, 90, 100]; got 'x'"},
                    {"[50,80.5]", "rule 'b': percentages: expected whole numbers such as [50, 80, 90, 100]; got 80.5"},
                    {"[50,null]", "rule 'b': percentages: expected whole numbers such as [50, 80, 90, 100]; got null"},
                    {"[80,80]", "rule 'b': percentages: 80 is listed twice"}}) {
                HttpResponse<String> refused = call("POST", base + "/api/alerts/rules",
                        "{\"name\":\"b\",\"kind\":\"budget\",\"percentages\":" + bad[0] + "}");
                assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
                assertThat(RuleJson.JSON.readTree(refused.body()).at("/error/message").asText()).as(bad[0]).isEqualTo(bad[1]);
            }
            HttpResponse<String> colour = call("POST", base + "/api/alerts/rules", "{\"name\":\"b\",\"kind\":\"budget\",\"colour\":\"red\"}");
            assertThat(colour.statusCode()).isEqualTo(400);
            assertThat(RuleJson.JSON.readTree(colour.body()).at("/error/message").asText())
                    .isEqualTo("rule 'b': unknown key 'colour' (expected name, kind, cooldown, channels or percentages)");
            assertThat(RuleJson.JSON.readTree(call("GET", base + "/api/alerts/rules", null).body()).get("rules")).isEmpty();

            assertThat(call("POST", base + "/api/alerts/rules", "{\"name\":\"b\",\"kind\":\"budget\",\"percentages\":[75]}")
                    .statusCode()).isEqualTo(201);
        }
    }

    @Test
    void rulesAreAddedListedAndRemovedAndHistoryShowsWhatFired() throws Exception {
        String rule = "{\"name\":\"alice-hourly\",\"kind\":\"threshold\",\"metric\":\"cost\",\"period\":\"day\","
                + "\"scope\":\"person\",\"above\":\"1\",\"channels\":[\"slack\"]}";
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-03T12:00:00Z")) {
            String base = serve(h);

            assertThat(call("POST", base + "/api/alerts/rules", rule).statusCode()).isEqualTo(201);
            JsonNode rules = RuleJson.JSON.readTree(call("GET", base + "/api/alerts/rules", null).body());
            assertThat(rules.get("rules").findValuesAsText("name")).contains("alice-hourly");

            HttpResponse<String> bad = call("POST", base + "/api/alerts/rules", "{\"name\":\"x\",\"kind\":\"psychic\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(RuleJson.JSON.readTree(bad.body()).at("/error/message").asText()).contains("kind");
            assertThat(RuleJson.JSON.readTree(bad.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

            h.write(priced("a", "2026-03-03T10:00:00Z", "alice", 2_500_000_000L));
            assertThat(h.tickAt("2026-03-03T12:01:00Z")).isNotEmpty();
            JsonNode alerts = RuleJson.JSON.readTree(call("GET", base + "/api/alerts", null).body());
            assertThat(alerts.get("firing").findValuesAsText("rule")).contains("alice-hourly");
            assertThat(alerts.get("history").get(0).get("who").asText()).isEqualTo("alice");
            assertThat(RuleJson.JSON.readTree(call("GET", base + "/api/alerts?limit=1", null).body()).get("history")).hasSize(1);
            for (String[] limit : new String[][] {{"0", "limit: expected 1 to 1000, got 0"}, {"5000", "limit: expected 1 to 1000, got 5000"},
                    {"-1", "limit: expected 1 to 1000, got -1"},
                    {"lots", "limit: expected a whole number, got 'lots'"}}) {
                HttpResponse<String> refused = call("GET", base + "/api/alerts?limit=" + limit[0], null);
                assertThat(refused.statusCode()).as(limit[0]).isEqualTo(400); // refused, not cut to 1 or 1,000
                assertThat(RuleJson.JSON.readTree(refused.body()).at("/error/message").asText()).isEqualTo(limit[1]);
                assertThat(RuleJson.JSON.readTree(refused.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
            }

            assertThat(call("DELETE", base + "/api/alerts/rules/alice-hourly", null).statusCode()).isEqualTo(204);
            HttpResponse<String> gone = call("DELETE", base + "/api/alerts/rules/alice-hourly", null);
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(RuleJson.JSON.readTree(gone.body()).at("/error/type").asText()).isEqualTo("not_found_error");
        }
    }
}
