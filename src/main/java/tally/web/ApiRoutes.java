package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import tally.http.Gzip;
import tally.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The REST API under {@code /api} (alerts have their own routes, in tally.alerts): read-only JSON over the store's query layer, documented by
 * {@code /api/openapi.json}. Every answer is computed off the event loop (the store is JDBC); any
 * failure becomes {@code {"error":{"type","message"}}} with a 4xx naming the bad parameter, or a 5xx
 * that says nothing about internals.
 */
public final class ApiRoutes implements Consumer<Router> {
    private static final Logger LOG = Logger.getLogger(ApiRoutes.class.getName());
    static final String OPENAPI = "web/openapi.json";

    private final Vertx vertx;
    private final WebData data;

    public ApiRoutes(Vertx vertx, WebData data) {
        this.vertx = vertx;
        this.data = data;
    }

    @Override
    public void accept(Router router) {
        BudgetsApi budgets = new BudgetsApi(data);
        UsageApi usage = new UsageApi(data);
        get(router, "/api/overview", new OverviewApi(data, budgets)::overview);
        written(router, "/api/usage", usage::usage);
        get(router, "/api/totals", usage::totals);
        get(router, "/api/top", new TopApi(data)::page);
        PeopleApi people = new PeopleApi(data, budgets);
        get(router, "/api/people", people::list);
        router.get("/api/people/:name").handler(ctx -> answer(ctx, p -> Json.buffer(people.one(p, ctx.pathParam("name")))));
        get(router, "/api/keys", new KeysApi(data)::list);
        get(router, "/api/budgets", budgets::list);
        get(router, "/api/activity", new ActivityApi(data)::activity);
        Buffer openapi = resource(OPENAPI);
        router.get("/api/openapi.json").handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json").putHeader("cache-control", "no-cache").end(openapi));
        // Anything else under /api (but not routes other parts mounted first, like /api/cli).
        router.route("/api/*").last().handler(ctx -> fail(ctx, ctx.request().method().name().equals("GET")
                ? ApiError.notFound("no such resource: " + ctx.request().path())
                : ApiError.notAllowed(ctx.request().method().name() + " is not allowed on " + ctx.request().path())));
    }

    private void get(Router router, String path, Function<Params, JsonNode> endpoint) {
        written(router, path, p -> Json.buffer(endpoint.apply(p)));
    }

    /** A route whose endpoint writes its JSON itself (a large answer, streamed into the body without a tree). */
    private void written(Router router, String path, Function<Params, Buffer> endpoint) {
        router.get(path).handler(ctx -> answer(ctx, endpoint));
    }

    private void answer(RoutingContext ctx, Function<Params, Buffer> endpoint) {
        Params params = new Params(ctx.queryParams(), data.zone(), data.clock(), data.people()::resolve);
        boolean gzip = Gzip.acceptedBy(ctx.request());
        // gzipped on the worker that wrote it, when the caller accepts that and it is large
        vertx.executeBlocking(() -> Gzip.where(gzip, endpoint.apply(params)), false).onComplete(ar -> {
            if (ar.succeeded()) {
                ar.result().end(ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store"));
            } else {
                fail(ctx, ar.cause());
            }
        });
    }

    static void fail(RoutingContext ctx, Throwable e) {
        int status;
        String type;
        String message;
        if (e instanceof ApiError a) {
            status = a.status();
            type = a.type();
            message = a.getMessage();
        } else if (e instanceof tally.core.Bounds.OutOfRange) { // a sum too large for the ledger's figures: say so
            status = 422;
            type = "invalid_request_error";
            message = e.getMessage();
        } else if (e instanceof StoreException) {
            LOG.log(Level.WARNING, "api: store unavailable: " + e.getMessage());
            status = 503;
            type = "unavailable_error";
            message = "the store is not available; try again shortly";
        } else {
            LOG.log(Level.SEVERE, "api: " + ctx.request().path() + " failed", e);
            status = 500;
            type = "api_error";
            message = "internal error";
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store").end(body(type, message).toString());
    }

    static ObjectNode body(String type, String message) {
        ObjectNode root = Json.object();
        root.putObject("error").put("type", type).put("message", message);
        return root;
    }

    static Buffer resource(String name) {
        try (InputStream in = ApiRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
