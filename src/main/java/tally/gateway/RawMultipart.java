package tally.gateway;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a multipart/form-data body (a Files API upload) as the bytes sent, for a route that forwards
 * it. Vert.x's body handler decodes such a body into fields and uploads and keeps none of its bytes,
 * so the upstream got an empty body. On a route of its own that consumes only multipart bodies, this
 * one keeps the raw bytes (up to the route's limit, else 413) and hands them to {@code then}.
 */
final class RawMultipart implements Handler<RoutingContext> {
    private static final String KEY = "tally.rawMultipartBody";

    private final long limit;
    private final Handler<RoutingContext> then;

    RawMultipart(long limit, Handler<RoutingContext> then) {
        this.limit = limit;
        this.then = then;
    }

    /** The raw multipart body this handler read, or null when it read none. */
    static Buffer body(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request(); // multipart: the route consumes nothing else
        String length = req.getHeader("content-length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > limit) {
            ctx.fail(413);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] failed = {false};
        req.handler(chunk -> {
            if (failed[0]) return;
            if (body.length() + (long) chunk.length() > limit) {
                failed[0] = true;
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(e -> {
            if (!failed[0]) {
                failed[0] = true;
                ctx.fail(400, e);
            }
        });
        req.endHandler(v -> {
            if (failed[0]) return;
            ctx.put(KEY, body);
            then.handle(ctx);
        });
        req.resume();
    }
}
