package tally.otlp;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * One running collector as {@code tally serve} wires it: store, spooled ingest writer, collector and
 * the OTLP routes on a real loopback HTTP port. Closing it and opening another on the same store
 * config is a restart; two on one PostgreSQL schema (each with its own data directory) are replicas.
 */
final class CollectorNode implements AutoCloseable {
    static final Instant FAR_PAST = Instant.parse("2020-01-01T00:00:00Z");
    static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");

    final Store store;
    final Ledger ledger;
    final IngestWriter writer;
    final ActivityLog activity;
    final TelemetryCollector collector;
    private final Vertx vertx;
    private final String base;

    CollectorNode(StoreConfig config) throws Exception {
        store = Store.open(config);
        ledger = new Ledger(store);
        writer = new IngestWriter(ledger, new Spool(config.spoolDir()), PriceCatalog.bundled()::price,
                new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
        activity = new ActivityLog(store);
        collector = new TelemetryCollector(writer, ledger, activity, "developer.id", "team.id");
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new OtlpRoutes(vertx, collector).mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + server.actualPort();
    }

    /** POSTs an OTLP/JSON body; returns the response. */
    HttpResponse<String> post(String path, String json) throws Exception {
        return tally.gateway.Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs and insists on a 200 (the records are in the spool). */
    void export(String path, String json) throws Exception {
        HttpResponse<String> r = post(path, json);
        if (r.statusCode() != 200) throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
    }

    /** Everything stored, once what was accepted is in the store. */
    UsageRow totals() {
        if (!writer.flush(Duration.ofSeconds(20))) throw new AssertionError("the writer did not reach the store");
        return ledger.totals(UsageQuery.of(FAR_PAST, FAR_FUTURE, Dimension.USER, ZoneOffset.UTC));
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        collector.close();
        writer.close();
        store.close();
    }

    // ---------------------------------------------------------------- OTLP/JSON bodies as Claude Code sends them

    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    /** One cumulative claude_code.token.usage point of type input for bob's session. */
    static String inputTokens(String session, Instant start, Instant at, double value) {
        return counter("claude_code.token.usage", "tokens", session, start, at, value, "," + attr("type", "input"));
    }

    /** One cumulative claude_code.cost.usage point (Claude Code's own estimate, in dollars) for bob's session. */
    static String estimatedCost(String session, Instant start, Instant at, double dollars) {
        return counter("claude_code.cost.usage", "USD", session, start, at, dollars, "");
    }

    private static String counter(String name, String unit, String session, Instant start, Instant at, double value, String more) {
        return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[" + attr("service.name", "claude-code") + ","
                + attr("user.email", "bob@corp.com") + "]},\"scopeMetrics\":[{\"scope\":{\"name\":\"com.anthropic.claude_code\"},"
                + "\"metrics\":[{\"name\":\"" + name + "\",\"unit\":\"" + unit + "\",\"sum\":{\"aggregationTemporality\":2,"
                + "\"isMonotonic\":true,\"dataPoints\":[{\"asDouble\":" + value + ",\"startTimeUnixNano\":\"" + nanos(start)
                + "\",\"timeUnixNano\":\"" + nanos(at) + "\",\"attributes\":[" + attr("session.id", session) + ","
                + attr("model", "claude-sonnet-4-5-20250929") + more + "]}]}}]}]}]}";
    }

    /** One api_request event of bob's session. */
    static String apiRequest(String session, String requestId, Instant at, long input, long output) {
        return "{\"resourceLogs\":[{\"resource\":{\"attributes\":[" + attr("service.name", "claude-code") + "]},"
                + "\"scopeLogs\":[{\"scope\":{\"name\":\"com.anthropic.claude_code.events\"},\"logRecords\":[{\"timeUnixNano\":\""
                + nanos(at) + "\",\"body\":{\"stringValue\":\"claude_code.api_request\"},\"attributes\":["
                + attr("event.name", "api_request") + "," + attr("session.id", session) + "," + attr("user.email", "bob@corp.com")
                + "," + attr("model", "claude-sonnet-4-5-20250929") + "," + attr("request_id", requestId) + ","
                + attr("input_tokens", "" + input) + "," + attr("output_tokens", "" + output) + "]}]}]}]}";
    }

    private static String attr(String key, String value) {
        return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
    }

    private static String nanos(Instant t) {
        return t.getEpochSecond() + String.format("%09d", t.getNano());
    }
}
