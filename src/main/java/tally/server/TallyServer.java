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
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int port;
    private volatile boolean draining;

    private TallyServer(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * One listening server on its own event loop. A single HttpServer handles every connection on
     * one thread; several instances on the same port let Vert.x spread connections over cores.
     */
    private static final class Listener extends io.vertx.core.VerticleBase {
        private final Router router;
        private final HttpServerOptions options;
        private HttpServer server;

        Listener(Router router, HttpServerOptions options) {
            this.router = router;
            this.options = options;
        }

        @Override
        public io.vertx.core.Future<?> start() {
            server = vertx.createHttpServer(options);
            return server.requestHandler(router).invalidRequestHandler(ErrorReplies::invalid).listen();
        }
    }

    /**
     * The Vert.x a server runs on: Netty's epoll transport where there is one (Linux on x86-64 or ARM),
     * NIO elsewhere. Measured at gateway saturation on loopback: 94 to 74 µs of CPU per proxied
     * request, fewer and cheaper syscalls for the same four socket operations.
     */
    public static Vertx newVertx() {
        return Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    }

    /** Mounts every part's routes and listens; blocks until listening. Port 0 picks a free port. */
    public static TallyServer start(Vertx vertx, String host, int port, List<Consumer<Router>> parts) {
        return start(vertx, host, port, null, parts);
    }

    /** As above, over HTTPS when {@code tls} is given. */
    public static TallyServer start(Vertx vertx, String host, int port, Tls tls, List<Consumer<Router>> parts) {
        Router router = Router.router(vertx);
        TallyServer[] self = new TallyServer[1];
        // First of all routes: refuse new work while draining, count what is in flight.
        router.route().order(-1_000_000).handler(ctx -> {
            TallyServer s = self[0];
            if (s.draining) {
                ctx.response().putHeader("connection", "close");
                ErrorReplies.send(ctx.request(), 503, "the server is shutting down");
                return;
            }
            if (ctx.request().uri().length() > ErrorReplies.MAX_URI) {
                ErrorReplies.send(ctx.request(), 414, "the request URI is too long (at most " + ErrorReplies.MAX_URI + " bytes)");
                return;
            }
            String badPath = ErrorReplies.unroutable(ctx);
            if (badPath != null) {
                ErrorReplies.send(ctx.request(), 400, badPath);
                return;
            }
            s.inFlight.incrementAndGet();
            ctx.addEndHandler(v -> s.inFlight.decrementAndGet());
            ctx.next();
        });
        for (Consumer<Router> part : parts) part.accept(router);
        ErrorReplies.install(router);
        TallyServer s = new TallyServer(vertx);
        self[0] = s;
        // Vert.x shares one listening socket among instances with the same host and port (port 0
        // included: they all get the one free port the first is given).
        List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        s.deployments.add(await(vertx.deployVerticle(() -> {
            Listener l = new Listener(router, options(host, port, tls));
            listeners.add(l);
            return l;
        }, new io.vertx.core.DeploymentOptions().setInstances(instances)), "cannot listen on " + host + ":" + port));
        s.port = listeners.get(0).server.actualPort();
        return s;
    }

    /** The PEM certificate chain and private key of an HTTPS server. */
    public record Tls(java.nio.file.Path cert, java.nio.file.Path key) {}

    private static HttpServerOptions options(String host, int port, Tls tls) {
        // Request lines up to MAX_LINE parse, so an over-long URI is refused (414) in its path's error shape.
        HttpServerOptions o = new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true).setCompressionSupported(false)
                .setAcceptBacklog(8192).setMaxInitialLineLength(ErrorReplies.MAX_LINE);
        if (tls != null) {
            o.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                    .setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString()));
        }
        return o;
    }

    public int port() {
        return port;
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
        for (String id : deployments) {
            try {
                vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing is best effort: the process is about to exit
            }
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
