package tally.otlp;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tally.core.Activity;
import tally.core.Ids;
import tally.core.TokenCounts;
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

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The collector over real HTTP, fed by the OpenTelemetry Java SDK's own OTLP/HTTP exporters. */
class OtlpHttpTest {
    private static final Instant FAR_PAST = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant FAR_FUTURE = Instant.parse("2100-01-01T00:00:00Z");

    @TempDir java.nio.file.Path dir;
    private Vertx vertx;
    private Store store;
    private IngestWriter writer;
    private Ledger ledger;
    private ActivityLog activity;
    private String base;
    private TelemetryCollector collector;

    @BeforeEach
    void start() throws Exception {
        store = Store.open(StoreConfig.embedded(dir));
        ledger = new Ledger(store);
        writer = new IngestWriter(ledger, new Spool(dir.resolve("spool")), PriceCatalog.bundled()::price,
                new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
        activity = new ActivityLog(store);
        activity.addToken(Ids.sha256("tok-alice"), "alice");
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        collector = new TelemetryCollector(writer, ledger, activity, "developer.id", "team.id");
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
        return ledger.totals(UsageQuery.of(FAR_PAST, FAR_FUTURE, Dimension.USER, ZoneOffset.UTC));
    }

    /** The SDK keeps JSON output behind a non-public switch; its builders hold an internal delegate that has it. */
    private static void exportAsJson(Object builder) throws Exception {
        Field f = builder.getClass().getDeclaredField("delegate");
        f.setAccessible(true);
        Object delegate = f.get(builder);
        delegate.getClass().getMethod("exportAsJson").invoke(delegate);
    }

    private SdkMeterProvider meters(boolean json, boolean gzip, boolean cumulative, String token) throws Exception {
        OtlpHttpMetricExporterBuilder b = OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics")
                .setCompression(gzip ? "gzip" : "none")
                .setAggregationTemporalitySelector(cumulative ? AggregationTemporalitySelector.alwaysCumulative()
                        : AggregationTemporalitySelector.deltaPreferred());
        if (token != null) b.addHeader("Authorization", "Bearer " + token);
        if (json) exportAsJson(b);
        return SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "claude-code"))))
                .registerMetricReader(PeriodicMetricReader.builder(b.build()).setInterval(Duration.ofHours(1)).build())
                .build();
    }

    private static void tokens(DoubleCounter c, String session, long in, long out, long read, long write) {
        for (String[] t : new String[][] {{"input", "" + in}, {"output", "" + out}, {"cacheRead", "" + read}, {"cacheCreation", "" + write}}) {
            c.add(Double.parseDouble(t[1]), Attributes.builder().put("session.id", session).put("user.email", "bob@corp.com")
                    .put("model", "claude-sonnet-4-5-20250929").put("type", t[0]).build());
        }
    }

    @ParameterizedTest(name = "json={0} gzip={1} cumulative={2}")
    @CsvSource({"false,false,false", "false,true,false", "true,false,false", "true,true,false",
            "false,false,true", "true,true,true"})
    void tokenUsageFromTheSdkExporterIsStoredExactly(boolean json, boolean gzip, boolean cumulative) throws Exception {
        SdkMeterProvider first = meters(json, gzip, cumulative, null);
        DoubleCounter c = first.get("com.anthropic.claude_code").counterBuilder("claude_code.token.usage").ofDoubles().build();
        tokens(c, "s1", 100, 10, 1_000, 200);
        assertThat(first.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        tokens(c, "s1", 50, 5, 500, 0);
        assertThat(first.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        first.shutdown().join(10, TimeUnit.SECONDS);

        // a new process for the same series: a cumulative counter starts again from zero
        SdkMeterProvider second = meters(json, gzip, cumulative, null);
        DoubleCounter again = second.get("com.anthropic.claude_code").counterBuilder("claude_code.token.usage").ofDoubles().build();
        tokens(again, "s1", 7, 3, 0, 0);
        assertThat(second.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        second.shutdown().join(10, TimeUnit.SECONDS);

        UsageRow t = totals();
        assertThat(t.tokens()).isEqualTo(new TokenCounts(157, 200, 0, 1_500, 18));
        assertThat(ledger.usage(UsageQuery.of(FAR_PAST, FAR_FUTURE, Dimension.USER, ZoneOffset.UTC)))
                .extracting(UsageRow::key).containsExactly("bob@corp.com");
    }

    @Test
    void eventsFromTheSdkLogExporterBecomeRecordsAttributedByTheIngestToken() throws Exception {
        OtlpHttpLogRecordExporterBuilder b = OtlpHttpLogRecordExporter.builder().setEndpoint(base + "/v1/logs")
                .addHeader("Authorization", "Bearer tok-alice");
        exportAsJson(b);
        SdkLoggerProvider logs = SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(b.build())).build();
        for (int i = 0; i < 3; i++) {
            logs.get("com.anthropic.claude_code.events").logRecordBuilder()
                    .setTimestamp(Instant.parse("2026-06-01T10:00:00Z").plusSeconds(i))
                    .setBody("claude_code.api_request")
                    .setAllAttributes(Attributes.builder().put("event.name", "api_request").put("session.id", "s9")
                            .put("event.sequence", (long) i).put("model", "claude-haiku-4-5-20251001")
                            .put("input_tokens", 10L).put("output_tokens", 20L).put("cache_read_tokens", "300")
                            .put("cache_creation_tokens", 40.0).put("request_id", "req_" + i).put("user.email", "mallory@x").build())
                    .emit();
        }
        assertThat(logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        logs.shutdown().join(10, TimeUnit.SECONDS);

        UsageRow t = totals();
        assertThat(t.tokens()).isEqualTo(new TokenCounts(30, 120, 0, 900, 60));
        assertThat(ledger.usage(UsageQuery.of(FAR_PAST, FAR_FUTURE, Dimension.USER, ZoneOffset.UTC)))
                .extracting(UsageRow::key).containsExactly("alice");
    }

    // ---------------------------------------------------------------- hostile and broken input

    private HttpResponse<String> post(String path, String type, String encoding, byte[] body, String auth) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) r.header("content-encoding", encoding);
        if (auth != null) r.header("authorization", auth);
        return tally.gateway.Http.CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void brokenPayloadsGetTheirDocumentedStatusAndTheServerKeepsServing() throws Exception {
        String json = "application/json";
        String proto = "application/x-protobuf";
        assertThat(post("/v1/metrics", json, null, utf8("{\"resourceMetrics\": [ {"), null).statusCode()).isEqualTo(400);
        assertThat(post("/v1/metrics", json, null, utf8("{\"resourceMetrics\": 7}"), null).statusCode()).isEqualTo(400);
        HttpResponse<String> truncated = post("/v1/logs", proto, null, new byte[] {0x0a, 0x7f, 0x01}, null);
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(post("/v1/logs", json, "gzip", utf8("not gzip at all"), null).body()).contains("bad gzip");
        assertThat(post("/v1/logs", json, "br", utf8("{}"), null).statusCode()).isEqualTo(415);
        assertThat(post("/v1/logs", "text/plain", null, utf8("{}"), null).statusCode()).isEqualTo(415);
        assertThat(post("/v1/logs", json, null, utf8("{}"), "Bearer stolen").statusCode()).isEqualTo(401);
        String deep = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":"
                + "{\"arrayValue\":{\"values\":[".repeat(5_000) + "]}}".repeat(5_000) + "}]}}]}";
        assertThat(post("/v1/logs", json, null, utf8(deep), null).statusCode()).isEqualTo(400);
        byte[] bomb = gzip(new byte[65 * 1024 * 1024]); // 65 MiB of zeros in ~65 KB
        assertThat(post("/v1/metrics", proto, "gzip", bomb, null).statusCode()).isEqualTo(413);
        String huge = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"1767225600000000000\","
                + "\"body\":{\"stringValue\":\"" + "x".repeat(5_000_000) + "\"}}]}]}]}";
        assertThat(post("/v1/logs", json, null, utf8(huge), null).statusCode()).isEqualTo(200);

        // a point without a time is refused alone; the rest of the request is kept
        String partial = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"claude_code.session.count\","
                + "\"sum\":{\"aggregationTemporality\":1,\"isMonotonic\":true,\"dataPoints\":["
                + "{\"asInt\":\"1\",\"timeUnixNano\":\"0\"},"
                + "{\"asInt\":\"1\",\"timeUnixNano\":\"1767225600000000000\",\"attributes\":[{\"key\":\"user.email\",\"value\":{\"stringValue\":\"eve@x\"}}]}]}}]}]}]}";
        HttpResponse<String> r = post("/v1/metrics", json, null, utf8(partial), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedDataPoints\":\"1\"", "without timeUnixNano");
        collector.flushActivity();
        assertThat(activity.totalsByPerson(FAR_PAST, FAR_FUTURE).get("eve@x").get(Activity.Kind.SESSION)).isEqualTo(1.0);

        assertThat(post("/v1/metrics", json, null, new byte[0], null).statusCode()).isEqualTo(200); // empty is fine
        assertThat(post("/v1/traces", proto, null, new byte[0], null).statusCode()).isEqualTo(200);
    }
}
