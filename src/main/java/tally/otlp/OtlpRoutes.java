package tally.otlp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * OTLP/HTTP as the spec has it: POST /v1/metrics and /v1/logs (and /v1/traces, accepted and
 * dropped), protobuf or JSON, gzip or not; answered in the request's encoding, with partialSuccess
 * for refused points, 400 + Status for malformed bodies, 401 for an unknown token, 405 + Allow for
 * another method, 413 over the cap, and 503 + Retry-After while the writer is full (exporters retry those).
 */
public final class OtlpRoutes {
    private static final Logger LOG = Logger.getLogger(OtlpRoutes.class.getName());
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final Vertx vertx;
    private final TelemetryCollector collector;
    /** Refuse exports without a known ingest token (the default beyond loopback). */
    private final boolean requireToken;

    public OtlpRoutes(Vertx vertx, TelemetryCollector collector) {
        this(vertx, collector, false);
    }

    public OtlpRoutes(Vertx vertx, TelemetryCollector collector, boolean requireToken) {
        this.vertx = vertx;
        this.collector = collector;
        this.requireToken = requireToken;
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(OtlpDecoder.MAX_BODY_BYTES);
        if (requireToken) { // routes of their own: Vert.x reads the body before a route's other handlers
            for (String path : new String[] {"/v1/metrics", "/v1/logs", "/v1/traces"}) router.post(path).handler(this::authorize);
        }
        router.post("/v1/metrics").handler(body).handler(ctx -> export(ctx, true));
        router.post("/v1/logs").handler(body).handler(ctx -> export(ctx, false));
        router.post("/v1/traces").handler(body).handler(ctx -> reply(ctx, 200, ExportLogsServiceResponse.getDefaultInstance()));
        for (String path : new String[] {"/v1/metrics", "/v1/logs", "/v1/traces"}) {
            // any other method: OTLP's answer, not the gateway's proxy behind /v1/* (an Anthropic 401, or a key sent upstream)
            router.route(path).handler(ctx -> {
                ctx.response().putHeader("allow", "POST");
                status(ctx, 405, 12, ctx.request().method() + " is not allowed on " + path + ": OTLP exports are sent with POST");
            });
        }
    }

    /** Before the body is read: no export without a known ingest token. */
    private void authorize(RoutingContext ctx) {
        withPerson(ctx, true, person -> {
            if (person == null) {
                status(ctx, 401, 16, "this collector requires an ingest token (Authorization: Bearer …; create one with: tally tokens create --user NAME)");
            } else {
                ctx.next();
            }
        });
    }

    /**
     * Runs {@code then} with the request's token's person (null: no token), on the request's event
     * loop: at once for a token the collector knows, else once it has re-read its tokens (the body
     * waits meanwhile when {@code beforeBody}). An unknown or revoked token is answered 401, a store
     * that cannot be read 503.
     */
    private void withPerson(RoutingContext ctx, boolean beforeBody, java.util.function.Consumer<String> then) {
        CompletableFuture<String> found = collector.personForToken(token(ctx));
        if (found.isDone()) {
            settle(ctx, found, then);
            return;
        }
        if (beforeBody) ctx.request().pause(); // the body handler after this one resumes it
        io.vertx.core.Context here = vertx.getOrCreateContext();
        found.whenComplete((p, e) -> here.runOnContext(v -> settle(ctx, found, then)));
    }

    private static void settle(RoutingContext ctx, CompletableFuture<String> found, java.util.function.Consumer<String> then) {
        String person;
        try {
            person = found.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SecurityException denied) { // unknown or revoked: the reason says which
                status(ctx, 401, 16, denied.getMessage());
            } else { // a token not seen yet, and the store is down: retry later
                ctx.response().putHeader("retry-after", "5");
                status(ctx, 503, 14, "cannot check the ingest token right now: " + e.getCause().getMessage());
            }
            return;
        }
        then.accept(person);
    }

    private void export(RoutingContext ctx, boolean metrics) {
        withPerson(ctx, false, person -> export(ctx, metrics, person));
    }

    private void export(RoutingContext ctx, boolean metrics, String person) {
        String type = ctx.request().getHeader("content-type");
        String encoding = ctx.request().getHeader("content-encoding");
        byte[] bytes = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        vertx.<java.util.concurrent.CompletableFuture<TelemetryCollector.Outcome>>executeBlocking(() -> metrics
                ? collector.metrics(OtlpDecoder.metrics(bytes, type, encoding), person)
                : collector.logs(OtlpDecoder.logs(bytes, type, encoding), person), false)
            .compose(io.vertx.core.Future::fromCompletionStage)
            .onSuccess(o -> {
                if (o.busy()) {
                    ctx.response().putHeader("retry-after", "1");
                    status(ctx, 503, 14, "ingest queue full, retry");
                } else {
                    reply(ctx, 200, metrics ? metricsResponse(o) : logsResponse(o));
                }
            })
            .onFailure(e -> {
                if (e instanceof OtlpDecoder.BadPayload bad) {
                    status(ctx, bad.status(), 3, bad.getMessage());
                } else {
                    LOG.log(Level.WARNING, "OTLP export failed", e);
                    ctx.response().putHeader("retry-after", "5");
                    status(ctx, 503, 14, "cannot record telemetry right now: " + e.getMessage());
                }
            });
    }

    private static String token(RoutingContext ctx) {
        String auth = ctx.request().getHeader("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        String key = ctx.request().getHeader("x-api-key");
        return key == null || key.isBlank() ? null : key.trim();
    }

    private static Message metricsResponse(TelemetryCollector.Outcome o) {
        ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
        if (o.rejected() > 0) {
            b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(o.rejected()).setErrorMessage(o.firstRejection()));
        }
        return b.build();
    }

    private static Message logsResponse(TelemetryCollector.Outcome o) {
        ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
        if (o.rejected() > 0) {
            b.setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
                    .setRejectedLogRecords(o.rejected()).setErrorMessage(o.firstRejection()));
        }
        return b.build();
    }

    /** The response in the request's encoding. */
    private static void reply(RoutingContext ctx, int code, Message m) {
        boolean json = OtlpDecoder.isJson(ctx.request().getHeader("content-type"));
        try {
            if (json) {
                ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(JSON.print(m));
            } else {
                ctx.response().setStatusCode(code).putHeader("content-type", "application/x-protobuf")
                        .end(Buffer.buffer(m.toByteArray()));
            }
        } catch (IOException e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    /** A google.rpc.Status body (code, message), in the request's encoding. */
    private static void status(RoutingContext ctx, int http, int rpcCode, String message) {
        boolean json = OtlpDecoder.isJson(ctx.request().getHeader("content-type"));
        ctx.response().setStatusCode(http);
        if (json) {
            ctx.response().putHeader("content-type", "application/json")
                    .end(new io.vertx.core.json.JsonObject().put("code", rpcCode).put("message", message).encode());
            return;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, rpcCode);
            out.writeString(2, message);
            out.flush();
            ctx.response().putHeader("content-type", "application/x-protobuf").end(Buffer.buffer(bytes.toByteArray()));
        } catch (IOException e) {
            ctx.response().end();
        }
    }
}
