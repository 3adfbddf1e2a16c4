package tally.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The one HTTP server every server part shares (gateway, collector, API, dashboard): one port, one
 * router. A part is anything that mounts routes on the router; add one to the list given to
 * {@link #start}. It also counts requests in flight, so a shutdown can let them finish.
 */
public final class TallyServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    private TallyServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Mounts every part's routes and listens; blocks until listening. Port 0 picks a free port. */
    public static TallyServer start(Vertx vertx, String host, int port, List<Consumer<Router>> parts) {
        Router router = Router.router(vertx);
        TallyServer[] self = new TallyServer[1];
        // First of all routes: refuse new work while draining, count what is in flight.
        router.route().order(-1_000_000).handler(ctx -> {
            TallyServer s = self[0];
            if (s.draining) {
                ctx.response().setStatusCode(503).putHeader("connection", "close")
                        .putHeader("content-type", "application/json")
                        .end("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"the server is shutting down\"}}");
                return;
            }
            s.inFlight.incrementAndGet();
            ctx.addEndHandler(v -> s.inFlight.decrementAndGet());
            ctx.next();
        });
        for (Consumer<Router> part : parts) part.accept(router);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(host).setPort(port).setTcpNoDelay(true).setCompressionSupported(false));
        self[0] = new TallyServer(vertx, server);
        await(server.requestHandler(router).listen(), "cannot listen on " + host + ":" + port);
        return self[0];
    }

    public int port() {
        return server.actualPort();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Stops taking new requests (they get 503, which clients retry) and waits for those in flight
     * to finish, up to the timeout. True when none was left unfinished.
     */
    public boolean drain(Duration timeout) {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return inFlight.get() == 0;
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing is best effort: the process is about to exit
        }
    }

    static <T> T await(io.vertx.core.Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(what + ": " + e, e);
        }
    }

    Vertx vertx() {
        return vertx;
    }
}
