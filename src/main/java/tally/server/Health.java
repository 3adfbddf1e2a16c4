package tally.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import tally.store.Store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /healthz}: the process answers. {@code GET /readyz}: it can also take records — the
 * store answers a trivial query and the spool directory is writable; 503 with the reason otherwise.
 * Both open to anyone (load balancers and orchestrators probe them) and say nothing internal.
 */
public final class Health {
    private final Vertx vertx;
    private final Store store;
    private final Path spoolDir;
    /** One check at a time: probes arriving while the store is slow to answer share it. */
    private final AtomicReference<Future<String>> running = new AtomicReference<>();
    /** Which part this replica plays in a fleet ("leader", "follower", "single"); null when not told. */
    private volatile java.util.function.Supplier<String> role;

    public Health(Vertx vertx, Store store, Path spoolDir) {
        this.vertx = vertx;
        this.store = store;
        this.spoolDir = spoolDir;
    }

    /** {@code /readyz} also names this replica's role. */
    public Health withRole(java.util.function.Supplier<String> role) {
        this.role = role;
        return this;
    }

    public void mount(Router router) {
        router.get("/healthz").handler(ctx -> reply(ctx, 200, status("ok")));
        router.get("/readyz").handler(this::ready);
    }

    private void ready(RoutingContext ctx) {
        Future<String> check = running.get();
        if (check == null) {
            Future<String> started = vertx.executeBlocking(this::problem, false);
            check = running.compareAndSet(null, started) ? started : running.get();
            started.onComplete(ar -> running.compareAndSet(started, null));
        }
        check.onComplete(ar -> {
            String problem = ar.succeeded() ? ar.result() : "readiness check failed";
            ObjectNode body = problem == null ? status("ready") : status("unavailable").put("reason", problem);
            if (role != null) body.put("role", role.get());
            reply(ctx, problem == null ? 200 : 503, body);
        });
    }

    /** Null when ready, else why not. */
    private String problem() {
        try {
            store.ping();
        } catch (RuntimeException e) {
            return "the store does not answer";
        }
        if (!Files.isDirectory(spoolDir) || !Files.isWritable(spoolDir)) return "the spool directory is not writable";
        return null;
    }

    private static ObjectNode status(String s) {
        return JsonNodeFactory.instance.objectNode().put("status", s);
    }

    private static void reply(RoutingContext ctx, int code, ObjectNode body) {
        ctx.response().setStatusCode(code).putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store").end(body.toString());
    }
}
