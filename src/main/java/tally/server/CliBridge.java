package tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import tally.core.Secrets;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code POST /api/cli}: runs a {@code tally} command inside the server for another process on the
 * same machine. DuckDB admits one process, so while {@code tally serve} owns a data directory every
 * other command on it runs here. Only loopback callers that present the token from
 * {@link ServerFile} (readable by the owner only) are served.
 */
public final class CliBridge implements Consumer<Router> {
    public static final String PATH = "/api/cli";
    public static final String TOKEN_HEADER = "x-tally-token";

    /** What one command printed and returned. */
    public record Outcome(int code, String out, String err) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final String token;
    private final Function<String[], Outcome> runner;
    private final Runnable afterEach;

    /**
     * @param runner    runs one command line in this process
     * @param afterEach called after each command (blocking, off the event loop): reload what it may have changed
     */
    public CliBridge(Vertx vertx, String token, Function<String[], Outcome> runner, Runnable afterEach) {
        this.vertx = vertx;
        this.token = token;
        this.runner = runner;
        this.afterEach = afterEach;
    }

    @Override
    public void accept(Router router) {
        router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(1 << 20)).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        if (!loopback(ctx) || !Secrets.constantTimeEquals(token, ctx.request().getHeader(TOKEN_HEADER))) {
            ctx.response().setStatusCode(403).end();
            return;
        }
        String[] args;
        try {
            JsonNode n = JSON.readTree(ctx.body().buffer().getBytes());
            List<String> list = new ArrayList<>();
            n.path("args").forEach(a -> list.add(a.asText()));
            args = list.toArray(String[]::new);
        } catch (Exception e) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        // Ordered: commands from several terminals run one after another, as they would without a server.
        vertx.executeBlocking(() -> {
            Outcome o = runner.apply(args);
            afterEach.run();
            return o;
        }, true).onComplete(ar -> {
            Outcome o = ar.succeeded() ? ar.result() : new Outcome(1, "", "tally: internal error: " + ar.cause() + "\n");
            ObjectNode body = JSON.createObjectNode().put("code", o.code()).put("out", o.out()).put("err", o.err());
            ctx.response().putHeader("content-type", "application/json").end(body.toString());
        });
    }

    private static boolean loopback(RoutingContext ctx) {
        try {
            String host = ctx.request().remoteAddress().hostAddress();
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}
