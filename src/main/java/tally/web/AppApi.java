package tally.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import tally.app.App;
import tally.app.AppJson;
import tally.app.Op;
import tally.app.Ops;
import tally.core.Secrets;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The use cases as REST routes ({@code POST /api/<op>}, see {@link Ops}): what the CLI calls while
 * {@code tally serve} owns the data. Admin only: the local admin's bearer token (kept owner-only in
 * the data directory's server file), or beyond loopback a logged-in admin (the guard checks role and
 * CSRF first). Calls run one after another off the event loop, as they would one process at a time.
 */
public final class AppApi implements Consumer<Router> {
    private static final int MAX_BODY = 8 << 20;

    private final Vertx vertx;
    private final App app;
    private final String adminToken;
    private final boolean loginRequired;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Runnable afterCall;

    /** @param afterCall run after each call, off the event loop: the server reloads what a call may have changed (keys, budgets) */
    public AppApi(Vertx vertx, App app, String adminToken, boolean loginRequired, Runnable afterCall) {
        this.afterCall = afterCall;
        this.vertx = vertx;
        this.app = app;
        this.adminToken = adminToken;
        this.loginRequired = loginRequired;
    }

    @Override
    public void accept(Router router) {
        for (Op<?, ?> op : Ops.ALL) {
            router.post(op.path()).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(ctx -> handle(ctx, op));
        }
    }

    /** How many calls a route has answered (for the operator and tests). */
    public long calls(String path) {
        LongAdder n = calls.get(path);
        return n == null ? 0 : n.sum();
    }

    /** Whether the request carries the local admin's token (Authorization: Bearer …). */
    static boolean bearsToken(RoutingContext ctx, String token) {
        String auth = ctx.request().getHeader("authorization");
        return token != null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && Secrets.constantTimeEquals(token, auth.substring(7).trim());
    }

    /**
     * Why a body is not the op's request, in one line naming the field: a strict reader's or a
     * request's own reason ({@link IllegalArgumentException}), else Jackson's, after the field's path.
     */
    static String unreadable(Op<?, ?> op, Exception e) {
        if (e instanceof IllegalArgumentException) return e.getMessage();
        String field = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        Throwable cause = e.getCause();
        if (e instanceof UnrecognizedPropertyException u) {
            return field + ": unknown field (expected " + String.join(", ", u.getKnownPropertyIds().stream().map(String::valueOf).toList()) + ")";
        }
        String why = cause instanceof IllegalArgumentException || cause instanceof java.time.DateTimeException ? cause.getMessage()
                : e instanceof JsonMappingException m ? m.getOriginalMessage() : e.getMessage();
        why = String.valueOf(why).lines().findFirst().orElse("");
        return field.isEmpty() ? "the body is not a " + op.request().getSimpleName() + " request: " + why : field + ": " + why;
    }

    /** A field's path as a request names it: range.from, aliases[1]. */
    private static String path(java.util.List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
        }
        return sb.toString();
    }

    private <Q, R> void handle(RoutingContext ctx, Op<Q, R> op) {
        boolean token = bearsToken(ctx, adminToken);
        if (!token && !(loginRequired && ctx.request().getHeader("authorization") == null)) {
            // On loopback nobody logs in, so only the token holder may; a wrong token is refused everywhere.
            ApiRoutes.fail(ctx, ApiError.forbidden(op.path() + " needs the local admin token (or an admin login)"));
            return;
        }
        Q request;
        try {
            byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
            request = AppJson.MAPPER.readerFor(op.request()).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // {"tpm": 1.7} is refused, never cut to 1
                    .readValue(body.length == 0 ? "{}".getBytes() : body); // a misspelt field is refused, not ignored
            if (request == null) throw new IllegalArgumentException("the body must be a JSON object, not null");
        } catch (Exception e) {
            ApiRoutes.fail(ctx, ApiError.invalid(unreadable(op, e)));
            return;
        }
        calls.computeIfAbsent(op.path(), p -> new LongAdder()).increment();
        vertx.executeBlocking(() -> {
            try {
                return AppJson.MAPPER.writeValueAsBytes(op.run(app, request));
            } finally {
                afterCall.run();
            }
        }, true).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                        .end(io.vertx.core.buffer.Buffer.buffer(ar.result()));
            } else if (ar.cause() instanceof IllegalArgumentException e) {
                ApiRoutes.fail(ctx, ApiError.invalid(e.getMessage()));
            } else {
                ApiRoutes.fail(ctx, ar.cause());
            }
        });
    }
}
