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
 */
final class UpstreamClient implements AutoCloseable {
    private final HttpClientAgent client;
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
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(ssl)
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(10_000)
                .setDecompressionSupported(false);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(20_000).setMaxWaitQueueSize(-1));
    }

    /** Opens a request to {@code base path + pathAndQuery} (the client's path and query string, unchanged). */
    Future<HttpClientRequest> open(HttpMethod method, String pathAndQuery) {
        RequestOptions o = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath + pathAndQuery)
                .setIdleTimeout(idleTimeoutMs);
        return client.request(o);
    }

    Duration idleTimeout() {
        return Duration.ofMillis(idleTimeoutMs);
    }

    @Override
    public void close() {
        client.close();
    }
}
