package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.Ops;
import tally.gateway.Http;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/records/create} records what it was sent or refuses it with a 400 naming the
 * field: a user, model or tokens missing or empty, a count that is null, a fraction, a string or out
 * of range, a field it does not know. Nothing refused is stored, nothing is read as 0 or cut to fit,
 * and the CLI's {@code record} beside the server still goes through it.
 */
class RecordsCreateApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK = "{\"user\":\"alice\",\"model\":\"claude-sonnet-4-5\",\"tokens\":{\"input\":100,\"output\":20}}";

    @TempDir Path dir;
    private BesideServer beside;
    private String base;

    @BeforeEach
    void serve() throws Exception {
        beside = BesideServer.start(dir);
        base = beside.file().baseUrl();
    }

    @AfterEach
    void stop() {
        beside.close();
    }

    private HttpResponse<byte[]> create(String body) {
        return Http.post(base + "/api/records/create", Map.of("content-type", "application/json",
                "authorization", "Bearer " + beside.file().token()), body);
    }

    private static String with(String extra) {
        return OK.substring(0, OK.length() - 1) + "," + extra + "}";
    }

    private JsonNode total() throws Exception {
        return JSON.readTree(Http.send("GET", base + "/api/totals?days=30", Map.of(), null).body()).path("total");
    }

    @Test
    void a_field_missing_empty_or_bent_is_a_400_naming_it_and_nothing_is_stored() throws Exception {
        Map<String, String> refused = new LinkedHashMap<>(); // body -> the reason given
        refused.put("{\"model\":\"claude-sonnet-4-5\",\"tokens\":{\"input\":1,\"output\":1}}", "user: required, a non-empty string");
        refused.put(OK.replace("\"model\":\"claude-sonnet-4-5\",", ""), "model: required, a non-empty string");
        refused.put("{\"user\":\"alice\",\"model\":\"claude-sonnet-4-5\"}",
                "tokens: required, an object with input and output (and cacheWrite5m, cacheWrite1h, cacheRead when there were any)");
        refused.put(OK.replace("\"alice\"", "\"\""), "user must not be empty");
        refused.put(OK.replace("\"alice\"", "\" \\t \""), "user must not be empty");
        refused.put(OK.replace("\"alice\"", "7"), "user: expected a string, got 7");
        refused.put(OK.replace("\"claude-sonnet-4-5\"", "\" \""), "model must not be empty");
        refused.put(OK.replace("\"input\":100", "\"input\":5.5"), "tokens.input=5.5 is not a whole number");
        refused.put(OK.replace("\"input\":100", "\"input\":null"), "tokens.input=null is not a number");
        refused.put(OK.replace("\"input\":100", "\"input\":\"100\""), "tokens.input=\"100\" is not a number");
        refused.put(OK.replace("\"input\":100", "\"input\":-5"), "tokens.input=-5 out of range [0, 1e10]");
        refused.put(OK.replace("\"input\":100,", ""), "tokens.input: required, a whole number in [0, 1e10]");
        refused.put(OK.replace("\"output\":20", "\"output\":20,\"cacheRead\":1e11"), "tokens.cacheRead=100000000000 out of range [0, 1e10]");
        refused.put(OK.replace("\"output\":20", "\"output\":20,\"cache_read\":5"),
                "tokens.cache_read: unknown field (expected input, cacheWrite5m, cacheWrite1h, cacheRead, output)");
        refused.put(OK.replace("{\"input\":100,\"output\":20}", "[100,20]"), "tokens: expected an object, got [100,20]");
        refused.put(with("\"webSearches\":1.5"), "webSearches=1.5 is not a whole number");
        refused.put(with("\"webSearches\":null"), "webSearches=null is not a number");
        refused.put(with("\"batch\":\"yes\""), "batch: expected true or false, got \"yes\"");
        refused.put(with("\"team\":\"\""), "team must not be empty (leave it out for none)");
        refused.put(with("\"id\":\" \""), "id must not be empty (leave it out for none)");
        refused.put(with("\"requestId\":5"), "requestId: expected a string, got 5");
        refused.put(with("\"time\":\"yesterday\""), "time: expected an ISO-8601 instant such as 2026-01-31T10:00:00Z, got \"yesterday\"");
        refused.put(with("\"time\":\"2020-01-01T00:00:00Z\""), "time 2020-01-01T00:00:00Z is before 2023-01-01T00:00:00Z");
        refused.put(with("\"usr\":\"bob\""),
                "usr: unknown field (expected id, time, user, team, requestId, model, tokens, webSearches, batch)");
        refused.put("[1]", "the body must be a JSON object");
        refused.put("", "user: required, a non-empty string");
        for (Map.Entry<String, String> c : refused.entrySet()) {
            HttpResponse<byte[]> r = create(c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertThat(error.path("type").asText()).as(c.getKey()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(total().path("requests").asLong()).isZero();
    }

    @Test
    void what_is_taken_is_stored_as_sent_and_the_cli_records_through_the_same_route() throws Exception {
        HttpResponse<byte[]> r = create(with("\"team\":\"platform\",\"webSearches\":0,\"batch\":false,\"time\":null,\"id\":null"));
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        // 100 × $3 + 20 × $15 per million tokens
        assertThat(JSON.readTree(r.body()).path("costNanos").asLong()).isEqualTo(600_000L);
        assertThat(create(OK.replace("\"input\":100", "\"input\":12.0")).statusCode()).as("a whole number written 12.0").isEqualTo(200);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--data", dir.toString(), "record", "--user", "bob", "--model", "claude-sonnet-4-5",
                "--input", "10", "--output", "5", "--cache-read", "7", "--team", "eng"}, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("recorded manual-");
        assertThat(beside.calls(Ops.RECORD)).isEqualTo(3);
        JsonNode total = total();
        assertThat(total.path("requests").asLong()).isEqualTo(3);
        assertThat(total.path("input_tokens").asLong()).isEqualTo(100 + 12 + 10);
        assertThat(total.path("output_tokens").asLong()).isEqualTo(20 + 20 + 5);
    }
}
