package tally.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import tally.gateway.ApiErrors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Errors nobody's handler answered (no route, a body over its limit, a handler that threw, a request
 * Vert.x could not even parse), in the caller's own language: OTLP's Status on the collector's
 * paths, {@code {"error":{"type","message"}}} under {@code /api}, Anthropic's error shape everywhere
 * else (a superset of the API's, so any JSON client can read it). Never an HTML page, and a client's
 * bad request is not logged as a server fault.
 */
final class ErrorReplies {
    private static final Logger LOG = Logger.getLogger(ErrorReplies.class.getName());
    /** Longest request target served; beyond it, 414. Vert.x parses lines up to {@link #MAX_LINE}. */
    static final int MAX_URI = 8 * 1024;
    static final int MAX_LINE = 64 * 1024;

    enum Shape { ANTHROPIC, OTLP, API }

    private ErrorReplies() {}

    static Shape shape(String path) {
        if (path == null) return Shape.ANTHROPIC;
        if (path.equals("/v1/metrics") || path.equals("/v1/logs") || path.equals("/v1/traces")) return Shape.OTLP;
        if (path.startsWith("/api/")) return Shape.API;
        return Shape.ANTHROPIC;
    }

    /** Answers every failure status with a body in the path's shape (and so without Vert.x's log line). */
    static void install(Router router) {
        for (int code = 400; code < 600; code++) router.errorHandler(code, ErrorReplies::failed);
    }

    private static void failed(RoutingContext ctx) {
        Throwable cause = ctx.failure();
        int status = ctx.statusCode() != -1 ? ctx.statusCode()
                : cause instanceof HttpException h ? h.getStatusCode() : 500;
        if (status >= 500 && cause != null) { // a fault of ours, worth its stack trace; a client's mistake is not
            LOG.log(Level.SEVERE, ctx.request().method() + " " + ctx.request().path() + " failed", cause);
        }
        String form = status == 400 ? unreadableForm(ctx.request(), cause) : null;
        send(ctx.request(), status, form != null ? form : message(status, ctx.request().path()));
    }

    /**
     * Why a form body could not be read, or null when the failure is something else. A body handler
     * decodes a form-encoded body as it arrives and refuses one it cannot decode, or with a field over
     * 8 KB or over 256 fields (Netty then says only "Size exceed allowed maximum capacity"); no Tally
     * route reads forms, so the reason says what to send instead.
     */
    static String unreadableForm(HttpServerRequest request, Throwable cause) {
        String type = request.getHeader("content-type");
        if (cause == null || type == null) return null;
        String lower = type.toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("application/x-www-form-urlencoded") && !lower.startsWith("multipart/form-data")) return null;
        return "the body is sent as a form (" + shorten(type) + ") that cannot be read"
                + (cause.getMessage() != null ? ": " + shorten(cause.getMessage()) : "") + "; send it as JSON (application/json)";
    }

    /**
     * Why a path cannot be routed (an invalid %-escape, which routes read as a 500 or as no reason),
     * or null.
     */
    static String unroutable(RoutingContext ctx) {
        try {
            ctx.normalizedPath();
            return null;
        } catch (IllegalArgumentException e) {
            return "the request path is malformed: " + shorten(ctx.request().path()) + " (" + e.getMessage() + ")";
        }
    }

    /** For requests Vert.x could not parse: over-long request line or headers, malformed HTTP. */
    static void invalid(HttpServerRequest request) {
        Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        request.response().putHeader("connection", "close");
        // a request line too long to parse leaves no path (Netty substitutes /bad-request): the default shape then
        send(request, status, message(status, request.path()));
    }

    static void send(HttpServerRequest request, int status, String message) {
        HttpServerResponse resp = request.response();
        if (resp.headWritten() || resp.ended() || resp.closed()) return;
        resp.setStatusCode(status).putHeader("cache-control", "no-store");
        switch (shape(request.path())) {
            case OTLP -> otlp(request, resp, status, message);
            case API -> {
                ObjectNode root = JsonNodeFactory.instance.objectNode();
                root.putObject("error").put("type", apiType(status)).put("message", message);
                resp.putHeader("content-type", "application/json").end(root.toString());
            }
            default -> ApiErrors.send(request, status, anthropicType(status), message);
        }
    }

    private static String message(int status, String path) {
        return switch (status) {
            case 404 -> "no such resource: " + shorten(path);
            case 405 -> "method not allowed on " + shorten(path);
            case 413 -> "the request body is too large";
            case 414 -> "the request URI is too long (at most " + MAX_URI + " bytes)";
            case 431 -> "the request headers are too large";
            case 400 -> "malformed request";
            default -> status >= 500 ? "internal error" : "request refused (" + status + ")";
        };
    }

    private static String shorten(String path) {
        return path == null ? "" : path.length() <= 200 ? path : path.substring(0, 200) + "…";
    }

    static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    private static String apiType(int status) {
        return switch (status) {
            case 503 -> "unavailable_error";
            case 413 -> "request_too_large";
            default -> anthropicType(status);
        };
    }

    /** google.rpc.Status ({code, message}): JSON for a JSON request, protobuf otherwise. */
    private static void otlp(HttpServerRequest request, HttpServerResponse resp, int status, String message) {
        int rpc = switch (status) {
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404 -> 5; // NOT_FOUND
            case 405, 501 -> 12; // UNIMPLEMENTED
            case 413, 429, 431 -> 8; // RESOURCE_EXHAUSTED
            case 503 -> 14; // UNAVAILABLE
            default -> status >= 500 ? 13 : 3; // INTERNAL, INVALID_ARGUMENT
        };
        String type = request.getHeader("content-type");
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("code", rpc).put("message", message);
            resp.putHeader("content-type", "application/json").end(o.toString());
            return;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, rpc);
            out.writeString(2, message);
            out.flush();
            resp.putHeader("content-type", "application/x-protobuf").end(Buffer.buffer(bytes.toByteArray()));
        } catch (IOException e) {
            resp.end();
        }
    }
}
