package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.Fixtures;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.core.Source;
import tally.otlp.OtlpRoutes;
import tally.otlp.TelemetryCollector;
import tally.server.TallyServer;
import tally.store.ActivityLog;
import tally.store.ProjectStore;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Budgets per project and cost center count every source, and the gateway enforces them on the
 * requests of that project: named by X-Tally-Project, else by the key's default project.
 */
class ProjectBudgetTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SONNET = BudgetTest.SONNET;

    @TempDir Path dir;

    /**
     * Claude Code's captured read-tool run (two api_request events, $0.014565) as it would arrive now,
     * from a developer whose telemetry carries OTEL_RESOURCE_ATTRIBUTES=project=TAG.
     */
    static String readToolRunTaggedNow(String tag) throws Exception {
        JsonNode doc = JSON.readTree(Fixtures.CLAUDE_CODE.resolve("otlp/json/0003-logs.json").toFile());
        long shift = Instant.now().minusSeconds(60).toEpochMilli() * 1_000_000L - 1795540060199000000L;
        for (JsonNode rl : doc.get("resourceLogs")) {
            ObjectNode attr = ((ArrayNode) rl.get("resource").get("attributes")).addObject().put("key", "project");
            attr.putObject("value").put("stringValue", tag);
            for (JsonNode sl : rl.get("scopeLogs")) {
                for (JsonNode rec : sl.get("logRecords")) {
                    ObjectNode r = (ObjectNode) rec;
                    for (String f : new String[] {"timeUnixNano", "observedTimeUnixNano"}) {
                        r.put(f, Long.toString(Long.parseLong(r.get(f).asText()) + shift));
                    }
                    for (JsonNode a : r.get("attributes")) {
                        if (a.get("key").asText().equals("event.timestamp")) {
                            long nanos = Long.parseLong(r.get("timeUnixNano").asText());
                            ((ObjectNode) a.get("value")).put("stringValue", Instant.ofEpochSecond(0, nanos).toString());
                        }
                    }
                }
            }
        }
        return JSON.writeValueAsString(doc);
    }

    static Map<String, String> withProject(String key, String project) {
        Map<String, String> h = new HashMap<>(Http.withKey(key));
        h.put("X-Tally-Project", project);
        return h;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void a_project_budget_reached_by_telemetry_alone_makes_the_gateway_refuse_that_projects_requests(TestStores.Kind kind) throws Exception {
        try (GatewayHarness gw = new GatewayHarness(kind, dir);
             TelemetryCollector collector = new TelemetryCollector(gw.writer, gw.ledger, new ActivityLog(gw.store), "developer.id", "team.id");
             TallyServer otlp = TallyServer.start(gw.vertx, "127.0.0.1", 0, List.of(new OtlpRoutes(gw.vertx, collector)::mount))) {
            String url = gw.url();
            new ProjectStore(gw.store).map("web-*", "shop", System.currentTimeMillis());
            String bob = gw.key("bob");
            gw.budget(BudgetTest.hard("shop-monthly", Budget.Scope.PROJECT, "shop", 10_000_000L)); // $0.01

            // Alice's Claude Code, never through the gateway: her telemetry tags its usage web-frontend.
            HttpResponse<byte[]> exported = Http.post("http://127.0.0.1:" + otlp.port() + "/v1/logs", Map.of("content-type", "application/json"),
                    readToolRunTaggedNow("web-frontend"));
            assertThat(exported.statusCode()).isEqualTo(200);
            assertThat(gw.writer.flush(Duration.ofSeconds(10))).isTrue();
            Budgets.Spend spend = gw.budgets.spend(gw.budgets.list().get(0), Instant.now(), GatewayHarness.ZONE);
            assertThat(spend.bySource()).containsOnlyKeys(Source.OTEL_EVENT.label());
            assertThat(spend.total()).isEqualTo(14_565_000L); // 145% of $0.01, all of it telemetry

            gw.gateway.reload(); // the periodic refresh reads the ledger and the project rules
            String body = Http.messageBody(SONNET, 10, false);
            HttpResponse<byte[]> refused = Http.post(url + "/v1/messages", withProject(bob, "web-checkout"), body);
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(new String(refused.body())).contains("\"type\":\"billing_error\"").contains("budget 'shop-monthly'")
                    .contains("for project shop").contains("$0.01 spent of $0.01");
            assertThat(Http.post(url + "/v1/messages", withProject(bob, "billing"), body).statusCode()).isEqualTo(200);
            assertThat(Http.post(url + "/v1/messages", Http.withKey(bob), body).statusCode()).as("no project").isEqualTo(200);

            // A cost center over the same project stops it too, and a key's default project applies without the header.
            gw.budgets.remove("shop-monthly");
            new ProjectStore(gw.store).setCostCenter("shop", "cc-7", System.currentTimeMillis());
            gw.budget(BudgetTest.hard("cc7", Budget.Scope.COST_CENTER, "cc-7", 10_000_000L));
            String carol = gw.keys.create("carol", null, null, null, null, null, null, null, "web-admin").secret();
            gw.gateway.reload();
            HttpResponse<byte[]> byKey = Http.post(url + "/v1/messages", Http.withKey(carol), body);
            assertThat(byKey.statusCode()).isEqualTo(402);
            assertThat(new String(byKey.body())).contains("budget 'cc7'").contains("for cost-center cc-7");
            assertThat(Http.post(url + "/v1/messages", withProject(carol, "billing"), body).statusCode())
                    .as("the header overrides the key's project").isEqualTo(200);
        }
    }
}
