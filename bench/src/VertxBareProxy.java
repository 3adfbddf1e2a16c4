import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor of the gateway's own stack: a reverse proxy on Vert.x with the gateway's options (native
 * transport, no Nagle, a connection pool per event loop) that does only what any proxy on it must: reads
 * the request, sends it upstream with its headers, streams the answer back. No parsing, metering,
 * budgets or spool. The saturation case measures it beside nginx and the gateway, so the gateway's
 * throughput reads against what Vert.x alone reaches on the same cores.
 *
 * Usage: VertxBareProxy PORT UPSTREAM_PORT
 */
public final class VertxBareProxy {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstream = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        HttpClientOptions clientOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDecompressionSupported(false);
        Map<Thread, HttpClientAgent> pools = new ConcurrentHashMap<>();
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setCompressionSupported(false).setAcceptBacklog(8192))
                .requestHandler(req -> req.body().compose(body -> {
                    HttpClientAgent pool = pools.computeIfAbsent(Thread.currentThread(),
                            t -> vertx.createHttpClient(clientOptions, new PoolOptions().setHttp1MaxSize(20_000).setMaxWaitQueueSize(-1)));
                    RequestOptions o = new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(upstream).setURI(req.uri());
                    req.headers().forEach((k, v) -> {
                        if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("connection")) o.addHeader(k, v);
                    });
                    return pool.request(o).compose(up -> up.send(body)).compose(answer -> {
                        req.response().setStatusCode(answer.statusCode());
                        answer.headers().forEach((k, v) -> {
                            if (!k.equalsIgnoreCase("connection") && !k.equalsIgnoreCase("transfer-encoding")) req.response().headers().add(k, v);
                        });
                        if (answer.getHeader("content-length") == null) req.response().setChunked(true);
                        return answer.pipeTo(req.response());
                    });
                }).onFailure(e -> {
                    if (!req.response().headWritten()) req.response().setStatusCode(502).end();
                    else req.connection().close();
                })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        System.out.println("bare Vert.x proxy listening on " + port);
    }
}
