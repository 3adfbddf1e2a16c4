package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code GET /api/alerts} (what fires now and the history), {@code GET/POST /api/alerts/rules},
 * {@code DELETE /api/alerts/rules/:name}. Store work runs off the event loop.
 */
public final class AlertRoutes {
    private final Vertx vertx;
    private final RuleBook rules;
    private final Channels channels;
    private final AlertStore store;
    private final Clock clock;

    /** {@code channels}: those configured, which a rule added here may name. */
    public AlertRoutes(Vertx vertx, RuleBook rules, Channels channels, AlertStore store, Clock clock) {
        this.vertx = vertx;
        this.rules = rules;
        this.channels = channels;
        this.store = store;
        this.clock = clock;
    }

    public void mount(Router router) {
        router.route("/api/alerts/rules*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.get("/api/alerts").handler(ctx -> answer(ctx, 200, () -> history(limit(ctx))));
        router.get("/api/alerts/rules").handler(ctx -> answer(ctx, 200, this::listRules));
        router.post("/api/alerts/rules").handler(ctx -> answer(ctx, 201, () -> {
            JsonNode body;
            try {
                body = RuleJson.JSON.readTree(ctx.body().asString() == null ? "" : ctx.body().asString());
            } catch (Exception e) {
                throw new IllegalArgumentException("the body is not JSON");
            }
            AlertRule rule = RuleJson.parse(body);
            checkChannels(rule);
            rules.save(rule, clock.millis());
            return RuleJson.write(rule).put("origin", "api");
        }));
        router.delete("/api/alerts/rules/:name").handler(ctx -> answer(ctx, 204, () -> {
            if (!rules.delete(ctx.pathParam("name"))) throw new java.util.NoSuchElementException("no rule named '" + ctx.pathParam("name") + "'");
            return null;
        }));
    }

    /** Refuses a rule naming a channel that is not configured, as the config file's rules are refused at start. */
    private void checkChannels(AlertRule rule) {
        try {
            rule.basics().channels().forEach(channels::get);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + rule.name() + "': channels: " + e.getMessage(), e);
        }
    }

    /** {@code ?limit=}, 100 when absent; outside 1 to 1,000 it is refused, as every API's limit is, never cut to fit. */
    private static int limit(RoutingContext ctx) {
        String v = ctx.queryParams().get("limit");
        if (v == null) return 100;
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit: expected a whole number, got '" + v + "'");
        }
        if (n < 1 || n > 1000) throw new IllegalArgumentException("limit: expected 1 to 1000, got " + n);
        return n;
    }

    private ObjectNode history(int limit) {
        ObjectNode root = RuleJson.JSON.createObjectNode();
        ArrayNode firing = root.putArray("firing");
        store.states().forEach((rule, scopes) -> scopes.forEach((key, st) -> {
            if (st.firing()) firing.addObject().put("rule", rule).put("scope", key).put("who", store.lastWho(rule, key))
                    .put("since", Instant.ofEpochMilli(st.sinceMs()).toString());
        }));
        ArrayNode history = root.putArray("history");
        for (AlertStore.Entry e : store.history(limit)) {
            history.addObject().put("at", Instant.ofEpochMilli(e.tsMs()).toString()).put("rule", e.rule()).put("kind", e.kind())
                    .put("scope", e.scopeKey()).put("state", e.state()).put("notified", e.notified()).put("who", e.who())
                    .put("amount", e.amount()).put("threshold", e.threshold()).put("message", e.message());
        }
        return root;
    }

    private ObjectNode listRules() {
        ObjectNode root = RuleJson.JSON.createObjectNode();
        ArrayNode list = root.putArray("rules");
        for (RuleBook.Entry e : rules.entries()) list.add(RuleJson.write(e.rule()).put("origin", e.origin().name().toLowerCase()));
        return root;
    }

    private void answer(RoutingContext ctx, int status, Callable<ObjectNode> work) {
        vertx.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                if (ar.result() == null) {
                    ctx.response().setStatusCode(status).end();
                } else {
                    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(ar.result().toString());
                }
                return;
            }
            Throwable e = ar.cause();
            int code = e instanceof IllegalArgumentException ? 400 : e instanceof IllegalStateException ? 409
                    : e instanceof java.util.NoSuchElementException ? 404 : 503;
            // the API's one error shape and types (openapi.json's Error): invalid_request_error, as every other route says
            String type = code == 400 ? "invalid_request_error" : code == 404 ? "not_found_error" : code == 409 ? "conflict_error"
                    : "unavailable_error";
            ObjectNode body = RuleJson.JSON.createObjectNode();
            body.putObject("error").put("type", type).put("message", String.valueOf(e.getMessage()));
            ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(body.toString());
        });
    }
}
