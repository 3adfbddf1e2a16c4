package tally.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.identity.People;
import tally.importers.Progress;
import tally.importers.bedrock.BedrockImporter;
import tally.store.ImportOffsets;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A budget counts what the ledger holds from every source, and the gateway enforces it on all of it. */
class SpendEverywhereTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SONNET = BudgetTest.SONNET;
    static final String ALICE_ARN = "arn:aws:sts::123456789012:assumed-role/Dev/alice@corp.com";

    @TempDir Path dir;

    /** A Bedrock model invocation log record (formats §5.2): 100K input and 1,000 output tokens on Sonnet 4.5, about $0.32. */
    static ObjectNode invocation(String requestId, Instant at) {
        ObjectNode r = JSON.createObjectNode();
        r.put("schemaType", "ModelInvocationLog").put("schemaVersion", "1.0").put("timestamp", at.toString())
                .put("accountId", "123456789012").put("region", "us-east-1").put("requestId", requestId)
                .put("operation", "InvokeModelWithResponseStream").put("modelId", "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        r.putObject("identity").put("arn", ALICE_ARN);
        r.putObject("input").put("inputContentType", "application/json").put("inputTokenCount", 100_000);
        r.putObject("output").put("outputContentType", "application/json").put("outputTokenCount", 1_000);
        return r;
    }

    /** Imports Bedrock invocation logs into the gateway's store, as {@code tally import bedrock} does. */
    static void importBedrock(GatewayHarness gw, Path file, ObjectNode... records) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (ObjectNode r : records) lines.append(r).append('\n');
        Files.writeString(file, lines);
        new BedrockImporter(new ImportOffsets(gw.store), gw.writer, gw.catalog).run(List.of(file), Progress.none());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void a_person_budget_reached_by_imported_bedrock_logs_alone_makes_the_gateway_refuse_that_person(TestStores.Kind kind) throws Exception {
        try (GatewayHarness gw = new GatewayHarness(kind, dir)) {
            String alice = gw.key("alice");
            String bob = gw.key("bob");
            new People(gw.store).alias("alice", "alice@corp.com");
            gw.budget(BudgetTest.hard("alice-monthly", Budget.Scope.PERSON, "alice", 600_000_000L)); // $0.60
            String body = Http.messageBody(SONNET, 10, false);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(alice), body).statusCode()).isEqualTo(200);

            // Alice used Bedrock directly: two invocations, about $0.64, imported from the invocation logs.
            Instant now = Instant.now();
            importBedrock(gw, dir.resolve("bedrock.jsonl"), invocation("br-1", now.minusSeconds(120)), invocation("br-2", now.minusSeconds(60)));
            Budgets.Spend spend = gw.budgets.spend(gw.budgets.list().get(0), Instant.now(), GatewayHarness.ZONE);
            assertThat(spend.bySource()).containsOnlyKeys(Source.GATEWAY.label(), Source.PROVIDER_LOG.label());
            assertThat(spend.bySource().get(Source.PROVIDER_LOG.label())).isGreaterThanOrEqualTo(600_000_000L); // 100% from Bedrock alone
            assertThat(spend.total()).isEqualTo(spend.bySource().values().stream().mapToLong(Long::longValue).sum());

            gw.gateway.reload(); // the gateway's periodic refresh reads the ledger; requests never do
            HttpResponse<byte[]> refused = Http.post(gw.url() + "/v1/messages", Http.withKey(alice), body);
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(new String(refused.body())).contains("\"type\":\"billing_error\"").contains("budget 'alice-monthly'")
                    .contains("spent of $0.60");
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(bob), body).statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void a_default_for_each_person_stops_each_person_on_their_own_spend_and_a_persons_own_budget_replaces_it(TestStores.Kind kind) {
        try (GatewayHarness gw = new GatewayHarness(kind, dir)) {
            String alice = gw.key("alice");
            String bob = gw.key("bob");
            String carol = gw.key("carol");
            String aliceKey = keyId(gw, "alice");
            String carolKey = keyId(gw, "carol");
            Instant now = Instant.now();
            // Alice and Carol spent $5.20 today elsewhere (telemetry); Bob nothing.
            gw.writer.submit(telemetry("a-1", now.minusSeconds(60), aliceKey, 5_200_000_000L));
            gw.writer.submit(telemetry("c-1", now.minusSeconds(60), carolKey, 5_200_000_000L));
            gw.budget(new Budget("each-person:daily", Budget.Scope.EACH_PERSON, null, Budget.Period.DAILY, Budget.Unit.USD,
                    5 * BudgetTest.DOLLAR, true, 100));
            gw.budget(BudgetTest.hard("carol-monthly", Budget.Scope.PERSON, "carol", 50 * BudgetTest.DOLLAR)); // monthly: does not replace the daily default
            gw.budget(new Budget("carol-own-daily", Budget.Scope.PERSON, "carol", Budget.Period.DAILY, Budget.Unit.USD,
                    20 * BudgetTest.DOLLAR, true, 100));
            String body = Http.messageBody(SONNET, 10, false);

            HttpResponse<byte[]> refused = Http.post(gw.url() + "/v1/messages", Http.withKey(alice), body);
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(new String(refused.body())).contains("budget 'each-person:daily'").contains("person alice (each-person default)")
                    .contains("$5.20 spent of $5.00");
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(bob), body).statusCode()).isEqualTo(200);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(carol), body).statusCode()).isEqualTo(200); // her own $20 applies

            gw.awaitRecords(5);
            // The listing shows the default once per person with spend, Carol's own budget instead of the default for her.
            assertThat(gw.budgets.effective(Instant.now(), GatewayHarness.ZONE)).extracting(Budget::who)
                    .contains("person alice (each-person default)", "person bob (each-person default)", "person carol")
                    .doesNotContain("person carol (each-person default)");
        }
    }

    @Test
    void each_person_budgets_name_nobody() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.budgets.set(new Budget("x", Budget.Scope.EACH_PERSON, "alice",
                    Budget.Period.DAILY, Budget.Unit.USD, 1, true, 100))).hasMessageContaining("an each-person budget names nobody");
        }
    }

    static String keyId(GatewayHarness gw, String person) {
        return gw.keys.list().stream().filter(k -> k.person().equals(person)).findFirst().orElseThrow().id();
    }

    /** A Claude Code telemetry record under the key's identity (no request id, as telemetry events carry). */
    static UsageEvent telemetry(String id, Instant at, String identity, long nanos) {
        return UsageEvent.builder().id(id).time(at).source(Source.OTEL_EVENT).identity(identity).modelId(SONNET)
                .tokens(TokenCounts.of(1, 1)).cost(nanos, "test").status(200).build();
    }
}
