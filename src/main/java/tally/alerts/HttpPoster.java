package tally.alerts;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * POSTs a JSON body, retrying on connection failures, 429 and 5xx with doubling back-off (a 4xx
 * other than 429 is the receiver saying no: retrying would not change its mind).
 */
final class HttpPoster {
    private static final Logger LOG = Logger.getLogger(HttpPoster.class.getName());

    /** How many tries in all, and the wait before the second (doubled each time after). */
    record Retry(int attempts, Duration firstBackoff) {
        static final Retry DEFAULT = new Retry(5, Duration.ofSeconds(1));
    }

    private final Vertx vertx;
    /**
     * Every attempt starts here, the client's calls and their callbacks on one context. Vert.x 5.0's
     * client, called from a thread of no context (the alerts' scheduler), may run the response's
     * callback only after the body has arrived; {@code body()} then never completes.
     */
    private final io.vertx.core.Context context;
    private final HttpClient client;
    private final Retry retry;

    HttpPoster(Vertx vertx, Retry retry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(30));
        this.retry = retry;
    }

    CompletableFuture<Void> post(String channel, String url, Map<String, String> headers, byte[] body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> attempt(channel, url, headers, body, 1, retry.firstBackoff().toMillis(), done));
        return done;
    }

    private void attempt(String channel, String url, Map<String, String> headers, byte[] body, int n, long backoffMs,
                         CompletableFuture<Void> done) {
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url))
                .compose(req -> {
                    req.putHeader("content-type", "application/json");
                    headers.forEach(req::putHeader);
                    return req.send(Buffer.buffer(body));
                })
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    String failure;
                    boolean retryable;
                    if (ar.succeeded()) {
                        int status = ar.result();
                        if (status < 300) {
                            done.complete(null);
                            return;
                        }
                        failure = "HTTP " + status;
                        retryable = status == 429 || status >= 500;
                    } else {
                        failure = String.valueOf(ar.cause().getMessage());
                        retryable = true;
                    }
                    if (!retryable || n >= retry.attempts()) {
                        done.completeExceptionally(new IllegalStateException(channel + ": " + failure + " after " + n
                                + (n == 1 ? " try" : " tries")));
                        return;
                    }
                    LOG.info(channel + ": " + failure + "; retrying in " + backoffMs + " ms");
                    vertx.setTimer(backoffMs, t -> attempt(channel, url, headers, body, n + 1, backoffMs * 2, done));
                });
    }

    void close() {
        client.close();
    }
}
