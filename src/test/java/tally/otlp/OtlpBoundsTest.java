package tally.otlp;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.store.ActivityLog;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token counts and times out of range are refused per point or record, in OTLP's partialSuccess,
 * with the field named; the rest of the export is stored, and nothing is stored as 0.
 */
class OtlpBoundsTest {
    private static final String JSON = "application/json";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir Path dir;
    private Vertx vertx;
    private Store store;
    private IngestWriter writer;
    private Ledger ledger;
    private TelemetryCollector collector;
    private String base;

    @BeforeEach
    void start() throws Exception {
        store = Store.open(StoreConfig.embedded(dir));
        ledger = new Ledger(store);
        writer = new IngestWriter(ledger, new Spool(dir.resolve("spool")), PriceCatalog.bundled()::price,
                new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        collector = new TelemetryCollector(writer, ledger, new ActivityLog(store), null, null);
        new OtlpRoutes(vertx, collector).mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        collector.close();
        writer.close();
        store.close();
    }

    private UsageRow totals() {
        assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
        return ledger.totals(UsageQuery.of(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2200-01-01T00:00:00Z"),
                Dimension.USER, ZoneOffset.UTC));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", JSON).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return tally.gateway.Http.CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static String errorMessage(HttpResponse<String> r) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("partialSuccess").path("errorMessage").asText();
    }

    private static String nanos(Instant t) {
        return Long.toString(t.getEpochSecond() * 1_000_000_000L + t.getNano());
    }

    private static String attr(String key, String value) {
        return "{\"key\":\"" + key + "\",\"value\":" + value + "}";
    }

    /** One api_request event; {@code tokens} are extra attributes such as input_tokens. */
    private static String apiRequest(String id, Instant at, String... tokens) {
        List<String> a = new ArrayList<>(List.of(attr("event.name", "{\"stringValue\":\"api_request\"}"),
                attr("user.email", "{\"stringValue\":\"eve@x\"}"), attr("request_id", "{\"stringValue\":\"" + id + "\"}"),
                attr("model", "{\"stringValue\":\"claude-sonnet-4-5-20250929\"}")));
        a.addAll(List.of(tokens));
        return "{\"timeUnixNano\":\"" + nanos(at) + "\",\"attributes\":[" + String.join(",", a) + "]}";
    }

    /** Token counts every api_request carries (Claude Code sends all four). */
    private static final String ONE_IN = attr("input_tokens", "{\"intValue\":\"1\"}");
    private static final String OUT = attr("output_tokens", "{\"intValue\":\"1\"}");

    private static String logs(String... records) {
        return "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[" + String.join(",", records) + "]}]}]}";
    }

    @Test
    void anApiRequestWithATokenCountOutOfRangeIsRefusedAloneAndNamed() throws Exception {
        HttpResponse<String> r = post("/v1/logs", logs(
                apiRequest("req_good", NOW, attr("input_tokens", "{\"intValue\":\"100\"}"), attr("output_tokens", "{\"intValue\":\"10\"}")),
                apiRequest("req_neg", NOW, attr("input_tokens", "{\"intValue\":\"-5\"}")),
                apiRequest("req_nan", NOW, attr("output_tokens", "{\"doubleValue\":\"NaN\"}")),
                apiRequest("req_inf", NOW, attr("output_tokens", "{\"doubleValue\":\"Infinity\"}")),
                apiRequest("req_str", NOW, attr("cache_read_tokens", "{\"stringValue\":\"lots\"}")),
                apiRequest("req_frac", NOW, attr("input_tokens", "{\"doubleValue\":1.5}")),
                apiRequest("req_big", NOW, attr("input_tokens", "{\"intValue\":\"10000000001\"}")),
                apiRequest("req_old", Instant.parse("2022-12-31T23:59:59Z"), attr("input_tokens", "{\"intValue\":\"1\"}")),
                apiRequest("req_future", NOW.plus(Duration.ofDays(2)), attr("input_tokens", "{\"intValue\":\"1\"}"))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedLogRecords\":\"8\"");
        assertThat(errorMessage(r)).contains("input_tokens=-5 out of range [0, 1e10]");
        UsageRow t = totals();
        assertThat(t.requests()).isEqualTo(1);
        assertThat(t.tokens().input()).isEqualTo(100);
        assertThat(t.tokens().output()).isEqualTo(10);
        assertThat(ledger.idCounts()).containsOnlyKeys("otel:req_good");
    }

    @Test
    void aTokenCountStringIsReadAsTheNumberItSpellsAndAnEmptyOrMissingCountIsRefusedNeverReadAsZero() throws Exception {
        HttpResponse<String> r = post("/v1/logs", logs(
                apiRequest("req_exp", NOW, attr("input_tokens", text("1e3")), attr("output_tokens", text(" 5 "))),
                apiRequest("req_empty", NOW, attr("input_tokens", text("")), attr("output_tokens", text("5"))),
                apiRequest("req_none", NOW, attr("cost_usd", "{\"doubleValue\":0.5}")),
                apiRequest("req_no_out", NOW, attr("input_tokens", "{\"intValue\":\"7\"}"))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedLogRecords\":\"3\"");
        assertThat(errorMessage(r)).isEqualTo("api_request: input_tokens is an empty string");
        assertThat(errorMessage(post("/v1/logs", logs(apiRequest("req_none", NOW, attr("cost_usd", "{\"doubleValue\":0.5}"))))))
                .isEqualTo("api_request: input_tokens is missing");
        assertThat(errorMessage(post("/v1/logs", logs(apiRequest("req_no_out", NOW, attr("input_tokens", "{\"intValue\":\"7\"}"))))))
                .isEqualTo("api_request: output_tokens is missing");
        UsageRow t = totals();
        assertThat(t.requests()).isEqualTo(1);
        assertThat(t.tokens()).isEqualTo(tally.core.TokenCounts.of(1000, 5));
        assertThat(ledger.idCounts()).containsOnlyKeys("otel:req_exp");
    }

    @Test
    void anApiRequestWhoseCostEstimateIsNoPriceIsRefusedAloneAndNamedNotDroppedOrWrapped() throws Exception {
        HttpResponse<String> r = post("/v1/logs", logs(
                apiRequest("req_good", NOW, attr("input_tokens", "{\"intValue\":\"100\"}"), OUT, attr("cost_usd", "{\"doubleValue\":0.5}")),
                apiRequest("req_micros", NOW, attr("input_tokens", "{\"intValue\":\"1\"}"), OUT, attr("cost_usd_micros", "{\"intValue\":\"1500\"}")),
                apiRequest("req_neg", NOW, attr("input_tokens", "{\"intValue\":\"1\"}"), OUT, attr("cost_usd", "{\"doubleValue\":-0.5}")),
                apiRequest("req_text", NOW, attr("input_tokens", "{\"intValue\":\"1\"}"), OUT, attr("cost_usd", "{\"stringValue\":\"cheap\"}")),
                apiRequest("req_nan", NOW, attr("input_tokens", "{\"intValue\":\"1\"}"), OUT, attr("cost_usd", "{\"doubleValue\":\"NaN\"}")),
                // 9.3e15 micro-dollars: times 1,000 it wrapped past a long into a "price"
                apiRequest("req_wrap", NOW, attr("input_tokens", "{\"intValue\":\"1\"}"), OUT,
                        attr("cost_usd_micros", "{\"intValue\":\"9300000000000000\"}"))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedLogRecords\":\"4\"");
        assertThat(errorMessage(r)).contains("cost_usd=-0.5 is negative");
        assertThat(totals().requests()).isEqualTo(2);
        assertThat(ledger.idCounts()).containsOnlyKeys("otel:req_good", "otel:req_micros");
        for (String bad : List.of("cost_usd=\"cheap\" is not a number", "cost_usd=NaN is not a number",
                "cost_usd_micros=9300000000000000 is more than any one request can cost")) {
            HttpResponse<String> one = post("/v1/logs", logs(apiRequest("req_x", NOW, ONE_IN, OUT, attr("cost_usd" + (bad.contains("micros") ? "_micros" : ""),
                    bad.contains("cheap") ? "{\"stringValue\":\"cheap\"}" : bad.contains("NaN") ? "{\"doubleValue\":\"NaN\"}"
                            : "{\"intValue\":\"9300000000000000\"}"))));
            assertThat(errorMessage(one)).as(bad).contains(bad);
        }
    }

    @Test
    void anApiRequestWithANulCharacterIsRefusedAloneAndNamed() throws Exception {
        // valid JSON, but no PostgreSQL text holds U+0000: stored, it would make every write of its batch fail
        HttpResponse<String> r = post("/v1/logs", logs(
                apiRequest("req_good", NOW, attr("input_tokens", "{\"intValue\":\"100\"}"), OUT),
                apiRequest("req_\\u0000nul", NOW, attr("input_tokens", "{\"intValue\":\"7\"}"), OUT)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedLogRecords\":\"1\"");
        assertThat(errorMessage(r)).contains("request_id contains a NUL character (U+0000)");
        assertThat(totals().tokens().input()).isEqualTo(100);
        assertThat(ledger.idCounts()).containsOnlyKeys("otel:req_good");
    }

    @Test
    void anUnpairedSurrogateInAUserIsRefusedNotStoredAsAReplacementCharacter() throws Exception {
        HttpResponse<String> r = post("/v1/logs", logs(
                apiRequest("req_good", NOW, attr("input_tokens", "{\"intValue\":\"100\"}"), OUT),
                apiRequest("req_half", NOW, attr("input_tokens", "{\"intValue\":\"7\"}"), OUT).replace("eve@x", "eve\\ud800@x")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedLogRecords\":\"1\"");
        assertThat(errorMessage(r)).contains("contains an unpaired surrogate (U+D800)");
        assertThat(totals().tokens().input()).isEqualTo(100);
        assertThat(ledger.idCounts()).containsOnlyKeys("otel:req_good");
    }

    @Test
    void anApiRequestWhoseUsageAndCostEstimateBothCarryANulIsOneRefusedRecord() throws Exception {
        // one log record makes a usage record and an estimated-cost activity row: refused, it is counted once
        HttpResponse<String> r = post("/v1/logs", logs(
                apiRequest("req_good", NOW, attr("input_tokens", "{\"intValue\":\"100\"}"), OUT, attr("cost_usd", "{\"doubleValue\":0.5}")),
                apiRequest("req_nul", NOW, attr("input_tokens", "{\"intValue\":\"7\"}"), OUT, attr("cost_usd", "{\"doubleValue\":0.5}"))
                        .replace("eve@x", "eve\\u0000@x")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedLogRecords\":\"1\"");
        assertThat(errorMessage(r)).contains("contains a NUL character (U+0000)");
        assertThat(totals().tokens().input()).isEqualTo(100);
        assertThat(ledger.idCounts()).containsOnlyKeys("otel:req_good");
    }

    @Test
    void aTimeBeyond2262IsRefusedAsTheFutureNotReadAsADateBefore1970() throws Exception {
        // 2500-01-01 in nanoseconds does not fit a signed long: OTLP's fixed64 is unsigned
        String year2500 = Long.toUnsignedString(Long.parseUnsignedLong("16725225600") * 1_000_000_000L);
        String record = apiRequest("req_2500", NOW, attr("input_tokens", "{\"intValue\":\"1\"}"))
                .replace(nanos(NOW), year2500);
        HttpResponse<String> r = post("/v1/logs", logs(record));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedLogRecords\":\"1\"");
        assertThat(errorMessage(r)).contains("2500-01-01").contains("more than a day in the future");
        assertThat(totals().requests()).isZero();
    }

    @Test
    void twoAbsurdExportsNoLongerTurnTheTotalNegative() throws Exception {
        for (String id : List.of("req_a", "req_b")) {
            HttpResponse<String> r = post("/v1/logs", logs(apiRequest(id, NOW,
                    attr("input_tokens", "{\"intValue\":\"6000000000000000000\"}"), attr("output_tokens", "{\"intValue\":\"1\"}"))));
            assertThat(r.statusCode()).isEqualTo(200); // refused, not retried: a 503 would bring it back forever
            assertThat(r.body()).contains("\"rejectedLogRecords\":\"1\"");
            assertThat(errorMessage(r)).contains("input_tokens=6000000000000000000 out of range");
        }
        UsageRow t = totals();
        assertThat(t.requests()).isZero();
        assertThat(t.costNanos()).isZero();
    }

    private static String point(String type, String value, Instant at) {
        return point(value, at, attr("type", "{\"stringValue\":\"" + type + "\"}"));
    }

    /** A point of eve's session s1 with the given value and extra attributes. */
    private static String point(String value, Instant at, String... attributes) {
        List<String> a = new ArrayList<>(List.of(attributes));
        a.addAll(List.of(attr("user.email", "{\"stringValue\":\"eve@x\"}"), attr("session.id", "{\"stringValue\":\"s1\"}"),
                attr("model", "{\"stringValue\":\"claude-sonnet-4-5-20250929\"}")));
        return "{" + value + ",\"timeUnixNano\":\"" + nanos(at) + "\",\"attributes\":[" + String.join(",", a) + "]}";
    }

    /** One delta sum of {@code metric} with these points. */
    private static String sum(String metric, String... points) {
        return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"" + metric + "\","
                + "\"sum\":{\"aggregationTemporality\":1,\"isMonotonic\":true,\"dataPoints\":[" + String.join(",", points) + "]}}]}]}]}";
    }

    private static String text(String v) {
        return "{\"stringValue\":\"" + v + "\"}";
    }

    @Test
    void aTokenUsagePointWithoutATypeOrWithAnUnknownOneIsRefusedAndNamedNotDropped() throws Exception {
        String expected = " (expected input, output, cacheRead, cacheCreation)";
        HttpResponse<String> missing = post("/v1/metrics", sum("claude_code.token.usage",
                point("input", "\"asDouble\":100", NOW), point("\"asDouble\":7", NOW)));
        assertThat(missing.statusCode()).isEqualTo(200);
        assertThat(missing.body()).contains("\"rejectedDataPoints\":\"1\"");
        assertThat(errorMessage(missing)).isEqualTo("claude_code.token.usage: data point without a type attribute" + expected);
        HttpResponse<String> unknown = post("/v1/metrics", sum("claude_code.token.usage",
                point("\"asDouble\":7", NOW.minusSeconds(1), attr("type", text("inputt")))));
        assertThat(unknown.body()).contains("\"rejectedDataPoints\":\"1\"");
        assertThat(errorMessage(unknown)).isEqualTo("claude_code.token.usage: data point with unknown type \"inputt\"" + expected);
        assertThat(totals().tokens()).isEqualTo(tally.core.TokenCounts.of(100, 0));
    }

    @Test
    void aProductivityPointWithoutTheAttributeItIsCountedByIsRefusedNotCountedAsAnotherKind() throws Exception {
        String[][] cases = {
                {"claude_code.lines_of_code.count", "type", "added", "(expected added, removed)"},
                {"claude_code.code_edit_tool.decision", "decision", "accept", "(expected accept, reject)"},
                {"claude_code.active_time.total", "type", "cli", "(expected user, cli)"}};
        for (String[] c : cases) {
            HttpResponse<String> r = post("/v1/metrics", sum(c[0], point("\"asDouble\":3", NOW, attr(c[1], text(c[2]))),
                    point("\"asDouble\":4", NOW), point("\"asDouble\":5", NOW, attr(c[1], text("maybe")))));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).as(c[0]).contains("\"rejectedDataPoints\":\"2\"");
            assertThat(errorMessage(r)).isEqualTo(c[0] + ": data point without a " + c[1] + " attribute " + c[3]);
            HttpResponse<String> unknown = post("/v1/metrics", sum(c[0], point("\"asDouble\":5", NOW, attr(c[1], text("maybe")))));
            assertThat(errorMessage(unknown)).isEqualTo(c[0] + ": data point with unknown " + c[1] + " \"maybe\" " + c[3]);
        }
    }

    @Test
    void aTokenUsagePointOutOfRangeIsRefusedAloneAndNamed() throws Exception {
        Instant later = NOW.minusSeconds(60);
        String body = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"claude_code.token.usage\","
                + "\"sum\":{\"aggregationTemporality\":1,\"isMonotonic\":true,\"dataPoints\":["
                + point("input", "\"asDouble\":100", NOW) + ","
                + point("output", "\"asDouble\":-5", NOW) + ","
                + point("cacheRead", "\"asDouble\":\"NaN\"", NOW) + ","
                + point("cacheCreation", "\"asDouble\":2.5", NOW) + ","
                + point("input", "\"asDouble\":1e11", later) + ","
                + point("input", "\"asDouble\":7", Instant.parse("2020-06-01T00:00:00Z")) + ","
                + point("input", "\"asDouble\":7", NOW.plus(Duration.ofDays(3)))
                + "]}}]}]}]}";
        HttpResponse<String> r = post("/v1/metrics", body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedDataPoints\":\"6\"");
        assertThat(errorMessage(r)).contains("output_tokens=-5 out of range [0, 1e10]");
        UsageRow t = totals();
        assertThat(t.requests()).isEqualTo(1);
        assertThat(t.tokens()).isEqualTo(tally.core.TokenCounts.of(100, 0));
    }

    @Test
    void aProductivityPointBeyondWhatOnePointCanCountOrAFractionalCountIsRefusedAndNamed() throws Exception {
        String[][] cases = { // metric, value, classifier attribute and value (or none), why
                {"claude_code.lines_of_code.count", "1e300", "type", "added", "value 1E+300 is more than one point can count (at most 1E+8)"},
                {"claude_code.session.count", "9e18", null, null, "value 9E+18 is more than one point can count (at most 1E+4)"},
                {"claude_code.active_time.total", "1e12", "type", "user", "value 1E+12 is more than one point can count (at most 8.64E+4)"},
                {"claude_code.pull_request.count", "0.5", null, null, "value 0.5 is not a whole number"},
                {"claude_code.cost.usage", "1e30", null, null, "value 1E+30 is more than one point can count (at most 1E+4)"}};
        for (String[] c : cases) {
            String[] attrs = c[2] == null ? new String[0] : new String[] {attr(c[2], text(c[3]))};
            HttpResponse<String> r = post("/v1/metrics", sum(c[0], point("\"asDouble\":" + c[1], NOW, attrs),
                    point("\"asDouble\":2", NOW.minusSeconds(1), attrs)));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).as(c[0]).contains("\"rejectedDataPoints\":\"1\"");
            assertThat(errorMessage(r)).isEqualTo(c[0] + ": " + c[4]);
        }
        collector.flushActivity();
        java.util.Map<tally.core.Activity.Kind, Double> eve = new ActivityLog(store)
                .totalsByPerson(Instant.EPOCH, Instant.parse("2200-01-01T00:00:00Z")).get("eve@x");
        assertThat(eve).containsEntry(tally.core.Activity.Kind.LINES_ADDED, 2.0).containsEntry(tally.core.Activity.Kind.SESSION, 2.0)
                .containsEntry(tally.core.Activity.Kind.ACTIVE_USER_SECONDS, 2.0).containsEntry(tally.core.Activity.Kind.PULL_REQUEST, 2.0);
    }

    @Test
    void aRunningTotalsStepBeyondWhatOnePointCanCountIsRefusedAndNamed() throws Exception {
        String series = "\"startTimeUnixNano\":\"" + nanos(NOW.minusSeconds(600)) + "\",";
        String body = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"claude_code.lines_of_code.count\","
                + "\"sum\":{\"aggregationTemporality\":2,\"isMonotonic\":true,\"dataPoints\":["
                + point(series + "\"asDouble\":10", NOW.minusSeconds(60), attr("type", text("added"))) + "]}}]}]}]}";
        assertThat(post("/v1/metrics", body).body()).doesNotContain("rejected");
        HttpResponse<String> r = post("/v1/metrics", body.replace("\"asDouble\":10", "\"asDouble\":200000010")
                .replace(nanos(NOW.minusSeconds(60)), nanos(NOW)));
        assertThat(r.body()).contains("\"rejectedDataPoints\":\"1\"");
        assertThat(errorMessage(r)).isEqualTo("claude_code.lines_of_code.count: value 2E+8 is more than one point can count (at most 1E+8)");
    }
}
