package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.RequestOptions;

import java.util.ArrayDeque;
import java.util.Set;

/**
 * One event loop's open connections to the upstream, the free ones on a stack: a request takes the
 * last one freed (or connects a new one) and runs on it directly. The pool does the same, but each
 * request through it pays an endpoint lookup, a pool acquisition and its recycling, which at
 * saturation cost more CPU than relaying the response. HTTP/1.1 without pipelining: a connection
 * carries one exchange at a time, so there are as many as the loop has exchanges in flight.
 *
 * <p>Only its event loop touches the stack; {@code all} is read by {@link #close} from elsewhere.
 */
final class KeptConnections {
    /** Free connections kept at most; more are closed (a burst's worth stays open until the upstream closes it). */
    static final int MAX_IDLE = 1024;
    /** A free connection unused this long is closed, as the pool's keep-alive timeout does (60 s). */
    private static final long IDLE_NANOS = 60_000_000_000L;

    private record Free(HttpClientConnection connection, long sinceNanos) {}

    private final HttpClientAgent agent;
    private final HttpConnectOptions connect;
    private final ArrayDeque<Free> free = new ArrayDeque<>();
    private final Set<HttpConnection> all = java.util.concurrent.ConcurrentHashMap.newKeySet();

    KeptConnections(HttpClientAgent agent, String host, int port, boolean ssl) {
        this.agent = agent;
        this.connect = new HttpConnectOptions().setHost(host).setPort(port).setSsl(ssl).setConnectTimeout(10_000);
    }

    Future<HttpClientRequest> request(RequestOptions options) {
        HttpClientConnection c = take();
        if (c != null) return c.request(options);
        return agent.connect(connect).compose(made -> {
            all.add(made);
            made.closeHandler(v -> forget(made));
            return made.request(options);
        });
    }

    /** The most recently freed connection; the oldest free one is closed when it has been unused too long. */
    private HttpClientConnection take() {
        Free oldest = free.peekLast();
        if (oldest != null && System.nanoTime() - oldest.sinceNanos() > IDLE_NANOS) {
            free.pollLast();
            oldest.connection().close();
        }
        Free f = free.pollFirst();
        return f == null ? null : f.connection();
    }

    void done(HttpConnection c, boolean clean) {
        if (c == null || !all.contains(c)) return; // not one of ours (the pool's, or already closed)
        if (clean && free.size() < MAX_IDLE) {
            free.addFirst(new Free((HttpClientConnection) c, System.nanoTime()));
        } else {
            all.remove(c);
            c.close();
        }
    }

    private void forget(HttpClientConnection c) {
        all.remove(c);
        free.removeIf(f -> f.connection() == c);
    }

    void close() {
        for (HttpConnection c : all) c.close();
        all.clear();
    }
}
