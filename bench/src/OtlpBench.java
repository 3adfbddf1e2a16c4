import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.otlp.OtlpDecoder;
import tally.otlp.OtlpRoutes;
import tally.otlp.TelemetryCollector;
import tally.pricing.PriceCatalog;
import tally.store.ActivityLog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collector benchmark: realistic Claude Code metric exports (per session: session count, four token
 * types, cost, two active-time types, two line counts, an edit decision = 11 points, with Claude
 * Code's resource and point attributes), batched 100 sessions per request as an OTel Collector in
 * front would send them, posted over loopback to the real routes backed by the embedded store.
 * Baseline in the same run: decoding the same bodies alone, no HTTP, no store.
 *
 * Usage: OtlpBench DATA_DIR [REQUESTS]
 */
public final class OtlpBench {
    static final int SESSIONS_PER_REQUEST = 100;

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Store store = Store.open(StoreConfig.embedded(data));
        Ledger ledger = new Ledger(store);
        IngestWriter writer = new IngestWriter(ledger, new Spool(data.resolve("spool")), PriceCatalog.bundled()::price,
                IngestWriter.Options.DEFAULT);
        TelemetryCollector collector = new TelemetryCollector(writer, ledger, new ActivityLog(store), "developer.id", "team.id");
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new OtlpRoutes(vertx, collector).mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get();
        int port = server.actualPort();

        for (boolean json : new boolean[] {false, true}) {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                ExportMetricsServiceRequest r = request(json ? i + 1_000_000 : i);
                bodies.add(json ? JsonFormat.printer().print(r).getBytes(StandardCharsets.UTF_8) : r.toByteArray());
            }
            long points = (long) requests * SESSIONS_PER_REQUEST * 11;
            String type = json ? "application/json" : "application/x-protobuf";

            for (byte[] b : bodies) OtlpDecoder.metrics(b, type, null); // warm the JIT first
            long t0 = System.nanoTime();
            for (byte[] b : bodies) OtlpDecoder.metrics(b, type, null);
            double decodeOnly = points / ((System.nanoTime() - t0) / 1e9);

            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
            AtomicLong failed = new AtomicLong();
            CountDownLatch done = new CountDownLatch(bodies.size());
            long t1 = System.nanoTime();
            java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(16);
            AtomicLong retried = new AtomicLong();
            io.vertx.core.Context calls = vertx.getOrCreateContext();
            for (byte[] b : bodies) {
                window.acquire();
                send(calls, client, port, type, b, failed, retried, () -> {
                    window.release();
                    done.countDown();
                });
            }
            done.await(10, TimeUnit.MINUTES);
            double endToEnd = points / ((System.nanoTime() - t1) / 1e9);
            client.close();
            System.out.printf("%-8s %,12.0f points/s end to end (HTTP, spool, store queue; %d failed, %d retried after 503)"
                    + "  decode-only baseline %,12.0f points/s  ratio %.2f%n",
                    json ? "json" : "protobuf", endToEnd, failed.get(), retried.get(), decodeOnly, endToEnd / decodeOnly);
        }
        writer.flush(Duration.ofMinutes(5));
        collector.flushActivity();
        collector.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        writer.close();
        store.close();
        System.exit(0); // Vert.x threads left by the client would keep the JVM up
    }

    /** Posts one body; a 503 (the collector shedding load) is retried after a pause, as OTLP exporters do. */
    static void send(io.vertx.core.Context calls, HttpClient client, int port, String type, byte[] b, AtomicLong failed, AtomicLong retried,
                     Runnable done) {
        // on one context: called from a thread of none, Vert.x 5.0's client may run the response's
        // callback after the body has arrived, and body() then never completes
        calls.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/v1/metrics")
                        .putHeader("content-type", type))
                .compose(req -> req.send(Buffer.buffer(b)))
                .compose(resp -> resp.body().map(x -> resp.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() == 503) {
                        retried.incrementAndGet();
                        calls.owner().setTimer(50, t -> send(calls, client, port, type, b, failed, retried, done));
                        return;
                    }
                    if (ar.failed() || ar.result() != 200) failed.incrementAndGet();
                    done.run();
                }));
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static ExportMetricsServiceRequest request(int n) {
        ResourceMetrics.Builder rm = ResourceMetrics.newBuilder().setResource(Resource.newBuilder()
                .addAttributes(kv("service.name", "claude-code")).addAttributes(kv("service.version", "2.1.197"))
                .addAttributes(kv("os.type", "linux")).addAttributes(kv("host.arch", "amd64")));
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
        long now = System.currentTimeMillis() * 1_000_000L;
        List<Metric.Builder> metrics = new ArrayList<>();
        String[] names = {"claude_code.session.count", "claude_code.token.usage", "claude_code.cost.usage",
                "claude_code.active_time.total", "claude_code.lines_of_code.count", "claude_code.code_edit_tool.decision"};
        for (String name : names) metrics.add(Metric.newBuilder().setName(name));
        Sum.Builder[] sums = new Sum.Builder[names.length];
        for (int i = 0; i < names.length; i++) {
            sums[i] = Sum.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).setIsMonotonic(true);
        }
        for (int s = 0; s < SESSIONS_PER_REQUEST; s++) {
            String dev = "dev" + ((n * SESSIONS_PER_REQUEST + s) % 500);
            String session = "sess-" + n + "-" + s;
            long t = now + s;
            List<KeyValue> base = List.of(kv("user.email", dev + "@corp.com"), kv("session.id", session),
                    kv("user.account_uuid", "acct-" + dev), kv("terminal.type", "vscode"), kv("organization.id", "org-1"));
            sums[0].addDataPoints(point(base, t, 1, kv("start_type", "fresh")));
            for (String type : new String[] {"input", "output", "cacheRead", "cacheCreation"}) {
                sums[1].addDataPoints(point(base, t, 100 + s, kv("model", "claude-sonnet-4-5-20250929"), kv("type", type), kv("query_source", "main")));
            }
            sums[2].addDataPoints(point(base, t, 0.0123, kv("model", "claude-sonnet-4-5-20250929"), kv("query_source", "main")));
            sums[3].addDataPoints(point(base, t, 12.5, kv("type", "user")));
            sums[3].addDataPoints(point(base, t, 3.25, kv("type", "cli")));
            sums[4].addDataPoints(point(base, t, 40, kv("type", "added")));
            sums[4].addDataPoints(point(base, t, 7, kv("type", "removed")));
            sums[5].addDataPoints(point(base, t, 1, kv("decision", "accept"), kv("tool_name", "Edit"), kv("source", "config")));
        }
        for (int i = 0; i < names.length; i++) sm.addMetrics(metrics.get(i).setSum(sums[i]));
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(rm.addScopeMetrics(sm)).build();
    }

    static NumberDataPoint point(List<KeyValue> base, long t, double v, KeyValue... extra) {
        NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setStartTimeUnixNano(t - 60_000_000_000L).setTimeUnixNano(t).setAsDouble(v);
        p.addAllAttributes(base);
        for (KeyValue kv : extra) p.addAttributes(kv);
        return p.build();
    }
}
