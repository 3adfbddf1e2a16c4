package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.time.Duration;

/**
 * The pooled HTTP client to the upstream API. No retries of its own (clients retry, and a retry
 * here would be invisible to them); an idle timeout bounds how long a silent upstream is waited on.
 *
 * <p>Each event loop gets a pool of its own. One shared pool lends whichever connection was used
 * last, whatever event loop it lives on, and then every chunk of the response is handed across
 * threads to the request's loop: a wake-up of another thread per event, on a crowded CPU. A pool per
 * loop makes its connections on that loop, so an exchange stays on one thread end to end.
 */
final class UpstreamClient implements AutoCloseable {
    private final Vertx vertx;
    private final HttpClientOptions options;
    /** For callers outside an event loop. */
    private final HttpClientAgent client;
    /** One pool per event loop, by the loop's thread: at most as many as Vert.x has event loops. */
    private final java.util.Map<Thread, HttpClientAgent> perLoop = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each event loop's kept-open connections for {@link #exchange}, by the loop's thread. */
    private final java.util.Map<Thread, KeptConnections> kept = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final long idleTimeoutMs;

    UpstreamClient(Vertx vertx, URI base, Duration idleTimeout) {
        this.ssl = "https".equalsIgnoreCase(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : (ssl ? 443 : 80);
        String p = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.vertx = vertx;
        this.options = new HttpClientOptions()
                .setSsl(ssl)
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(10_000)
                .setDecompressionSupported(false);
        this.client = newPool();
    }

    private HttpClientAgent newPool() {
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(20_000).setMaxWaitQueueSize(-1));
    }

    /** The calling event loop's own pool, or the shared one off the event loops. */
    private HttpClientAgent pool() {
        io.vertx.core.Context ctx = Vertx.currentContext();
        if (ctx == null || !ctx.isEventLoopContext() || closed) return client;
        Thread loop = Thread.currentThread();
        HttpClientAgent mine = perLoop.get(loop);
        return mine != null ? mine : perLoop.computeIfAbsent(loop, t -> newPool());
    }

    /** Opens a request to {@code base path + pathAndQuery} (the client's path and query string, unchanged). */
    Future<HttpClientRequest> open(HttpMethod method, String pathAndQuery) {
        return open(method, pathAndQuery, true);
    }

    /**
     * As above; {@code timed}: whether the client library fails the request after the idle timeout.
     * False only for a caller that watches the exchange's silence itself (a timer per request saved).
     */
    Future<HttpClientRequest> open(HttpMethod method, String pathAndQuery, boolean timed) {
        return pool().request(options(method, pathAndQuery, timed).setHost(host).setPort(port).setSsl(ssl));
    }

    /** A request's method, path and (when {@code timed}) idle timeout; where it goes is the pool's or the connection's. */
    private RequestOptions options(HttpMethod method, String pathAndQuery, boolean timed) {
        RequestOptions o = new RequestOptions().setMethod(method).setURI(basePath + pathAndQuery);
        if (timed) o.setIdleTimeout(idleTimeoutMs);
        return o;
    }

    /**
     * As {@link #open(HttpMethod, String, boolean)}, on one of the calling event loop's kept-open
     * connections (a new one when none is free): no pool lookup per request. The caller must hand
     * the request back with {@link #done} once its exchange has ended. Off an event loop, the pool.
     */
    Future<HttpClientRequest> exchange(HttpMethod method, String pathAndQuery, boolean timed) {
        io.vertx.core.Context ctx = Vertx.currentContext();
        if (ctx == null || !ctx.isEventLoopContext() || closed) return open(method, pathAndQuery, timed);
        Thread loop = Thread.currentThread();
        KeptConnections mine = kept.get(loop);
        if (mine == null) mine = kept.computeIfAbsent(loop, t -> new KeptConnections(pool(), host, port, ssl));
        return mine.request(options(method, pathAndQuery, timed));
    }

    /**
     * An exchange opened with {@link #exchange} has ended. {@code clean}: its response was read to the
     * end, so the connection can carry the next request; otherwise it is closed (it may hold half a request or response).
     */
    void done(HttpClientRequest request, boolean clean) {
        KeptConnections mine = kept.get(Thread.currentThread());
        if (mine != null) mine.done(request.connection(), clean);
    }

    Duration idleTimeout() {
        return Duration.ofMillis(idleTimeoutMs);
    }

    @Override
    public void close() {
        closed = true;
        client.close();
        kept.values().forEach(KeptConnections::close);
        kept.clear();
        perLoop.values().forEach(HttpClientAgent::close);
        perLoop.clear();
    }
}
