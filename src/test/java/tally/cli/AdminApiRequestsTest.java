package tally.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.gateway.Http;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/<op>} with a field missing, of the wrong type or out of range is a 400 naming the
 * field, never a 500: every op, asked with an empty object and with the bodies a careless client sends.
 */
class AdminApiRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RANGE = "{\"from\":\"2026-01-01\",\"to\":\"2026-01-02\",\"zone\":\"UTC\"}";

    @TempDir Path dir;
    private BesideServer beside;

    @BeforeEach
    void serve() throws Exception {
        beside = BesideServer.start(dir);
    }

    @AfterEach
    void stop() {
        beside.close();
    }

    private HttpResponse<byte[]> post(String op, String body) {
        return Http.post(beside.file().baseUrl() + "/api/" + op, Map.of("content-type", "application/json",
                "authorization", "Bearer " + beside.file().token()), body);
    }

    private void refused(Map<String, String> cases) throws Exception {
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String op = c.getKey().substring(0, c.getKey().indexOf(' '));
            HttpResponse<byte[]> r = post(op, c.getKey().substring(op.length() + 1));
            assertThat(r.statusCode()).as(c.getKey() + " " + new String(r.body())).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void anOpAskedWithoutAFieldItNeedsIsA400NamingIt() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>(); // op and body -> the reason given
        cases.put("people/alias {\"name\":\"n2\"}", "identities: required, a list of at least one raw identity");
        cases.put("records/reprice {}", "range: required");
        cases.put("estimates/compare {}", "range: required");
        cases.put("estimates/compare {\"range\":" + RANGE + "}", "models: required, at least one model to price");
        cases.put("reports/render {}", "range: required");
        cases.put("reports/render {\"range\":" + RANGE + "}", "by: required");
        cases.put("totals/query {}", "range: required");
        cases.put("reports/top {\"limit\":5}", "range: required");
        cases.put("reports/activity {}", "range: required");
        cases.put("reports/blocks {\"now\":\"2026-01-01T00:00:00Z\"}", "from: required");
        cases.put("reports/reconcile {}", "month: required");
        cases.put("reports/reconcile-aws {}", "month: required");
        cases.put("records/recent {\"limit\":5}", "zone: required");
        cases.put("statusline/render {}", "zone: required");
        cases.put("statusline/render {\"zone\":\"UTC\"}", "user: required");
        cases.put("budgets/set {}", "budget: required");
        cases.put("budgets/list {}", "zone: required");
        cases.put("imports/offsets/save {\"kind\":\"bedrock\",\"offsets\":[{}]}", "offsets[0].path: required");
        cases.put("reports/render {\"range\":{\"from\":\"2026-01-01\",\"to\":\"2026-01-02\"}}", "range: zone: required");
        cases.put("tokens/revoke {}", "id: required, a token id (tok_…) as 'tally tokens list' shows it, or the token");
        cases.put("people/add null", "the body must be a JSON object, not null");
        refused(cases);
    }

    @Test
    void aFieldOfTheWrongTypeOrOutOfRangeIsA400NamingIt() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("totals/query {\"range\":{\"from\":\"-292275055-01-01\",\"to\":\"-292275055-01-02\",\"zone\":\"UTC\"}}",
                "range.from: the date -292275055-01-01: the year must be from 0 to 9999, got -292275055");
        cases.put("totals/query {\"range\":{\"from\":\"2000-01-01\",\"to\":\"2026-01-02\",\"zone\":\"UTC\"}}",
                "range: --from/--to: a range is at most 3660 days, got 9499 (2000-01-01 to 2026-01-02)");
        cases.put("totals/query {\"range\":{\"from\":\"2026-01-01\",\"to\":\"2026-01-02\",\"zone\":\"Nope/X\"}}",
                "range.zone: Unknown time-zone ID: Nope/X");
        cases.put("reports/reconcile {\"month\":\"+999999999-12\"}", "month: the month +999999999-12: the year must be from 0 to 9999, got 999999999");
        cases.put("records/export {\"limit\":10,\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"+1000000000-01-01T00:00:00Z\"}",
                "to: the instant +1000000000-01-01T00:00:00Z is out of range (about 146 million years from 1970)");
        cases.put("budgets/list {\"zone\":\"x\"}", "zone: unknown time zone 'x' (use an IANA name such as Europe/Berlin or UTC)");
        cases.put("people/add {\"name\":{\"a\":1}}",
                "name: Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)");
        refused(cases);
    }

    @Test
    void aKeyWhoseLimitsCouldNeverWorkIsRefusedOverTheApiAsOnTheCommandLine() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("keys/create {\"user\":\"z1\",\"rpm\":-5}", "rpm must be more than zero, got -5");
        cases.put("keys/create {\"user\":\"z2\",\"maxTokens\":0}", "maxTokens must be more than zero, got 0");
        cases.put("keys/create {\"user\":\"z3\",\"expires\":\"2020-01-01T00:00:00Z\"}", "expires 2020-01-01T00:00:00Z is already past");
        refused(cases);
        for (String body : List.of("{\"user\":\"z5\",\"tpm\":1.7}", "{\"user\":\"z9\",\"expires\":\"+1000000000-01-01T00:00:00Z\"}")) {
            HttpResponse<byte[]> r = post("keys/create", body);
            assertThat(r.statusCode()).as(body + " " + new String(r.body())).isEqualTo(400);
        }
        HttpResponse<byte[]> fine = post("keys/create", "{\"user\":\"z6\",\"tpm\":1000,\"rpm\":10,\"maxTokens\":4096}");
        assertThat(fine.statusCode()).as(new String(fine.body())).isEqualTo(200);
        String listed = new String(post("keys/list", "{}").body());
        for (String refusedUser : List.of("z1", "z2", "z3", "z5", "z9")) assertThat(listed).doesNotContain("\"" + refusedUser + "\"");
    }

    @Test
    void anIngestTokenIsListedWithoutItsSecretAndRevokedOverTheApi() throws Exception {
        String token = JSON.readTree(post("tokens/create", "{\"user\":\"dana\"}").body()).path("token").asText();
        HttpResponse<byte[]> listed = post("tokens/list", "{}");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(new String(listed.body())).doesNotContain(token.substring(7));
        var entry = JSON.readTree(listed.body()).path("tokens").get(0);
        assertThat(entry.path("user").asText()).isEqualTo("dana");
        assertThat(entry.path("revoked").isNull()).isTrue();
        String id = entry.path("id").asText();

        HttpResponse<byte[]> revoked = post("tokens/revoke", "{\"id\":\"" + id + "\"}");
        assertThat(revoked.statusCode()).as(new String(revoked.body())).isEqualTo(200);
        assertThat(JSON.readTree(revoked.body()).path("revoked").asBoolean()).isTrue();
        assertThat(JSON.readTree(post("tokens/list", "{}").body()).path("tokens").get(0).path("revoked").isNull()).isFalse();
        assertThat(JSON.readTree(post("tokens/revoke", "{\"id\":\"" + token + "\"}").body()).path("revoked").asBoolean())
                .as("already revoked").isFalse();
        refused(Map.of("tokens/revoke {\"id\":\"tok_0\"}", "id: expected a token id (tok_ and 4 to 12 hex digits, as 'tally tokens list' shows it) or the token; got 'tok_0'"));
    }

    @Test
    void aFieldAnOpDoesNotKnowIsA400NamingItAndNothingIsSaved() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("people/add {\"name\":\"x\",\"bogus\":1}", "bogus: unknown field (expected name, team, aliases, noTeam)");
        cases.put("people/alias {\"name\":\"x\",\"identity\":[\"a\"]}", "identity: unknown field (expected name, identities)");
        cases.put("projects/map {\"glob\":\"*\",\"project\":\"p\",\"pattern\":\"*\"}", "pattern: unknown field (expected glob, project)");
        cases.put("totals/query {\"range\":{\"from\":\"2026-01-01\",\"to\":\"2026-01-02\",\"zone\":\"UTC\",\"tz\":\"UTC\"}}",
                "range.tz: unknown field (expected from, to, zone, startAt, endAt)");
        refused(cases);
        assertThat(JSON.readTree(post("people/list", "{}").body())).isEmpty();
        assertThat(JSON.readTree(post("projects/list", "{}").body()).path("rules")).isEmpty();
    }

    @Test
    void theCliBesideTheServerSendsNoFieldTheStrictReadingRefuses() {
        for (List<String> command : List.of(List.of("people", "add", "alice", "--team", "platform", "--alias", "alice@corp.com"),
                List.of("budgets", "set", "--person", "alice", "--monthly", "50"), List.of("budgets", "set", "--each-person", "--monthly", "20"),
                List.of("keys", "create", "--user", "alice", "--models", "claude-sonnet-4-5", "--max-tokens", "1000"),
                List.of("projects", "map", "acme*", "acme"), List.of("projects", "set", "acme", "--cost-center", "CC-1"),
                List.of("record", "--user", "alice", "--model", "claude-sonnet-4-5", "--input", "10", "--output", "5"),
                List.of("prune", "--older-than", "400d", "--dry-run"))) {
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of("--data", dir.toString()));
            args.addAll(command);
            int code = Main.run(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertThat(code).as(command + ": " + err).isZero();
        }
    }
}
