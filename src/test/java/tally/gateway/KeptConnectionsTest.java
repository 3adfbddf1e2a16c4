package tally.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exchange rides one of its event loop's kept-open upstream connections, taken without a pool
 * lookup: one that ended cleanly carries the next exchange; one the upstream said it would close,
 * or that broke, never carries another.
 */
class KeptConnectionsTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    /**
     * The test's calls run on one context. From the test's own thread, Vert.x 5.0's client at times
     * ran the response's callback after the body had arrived, and {@code body()} never completed
     * (about 1 call in 1,000 with the cores busy): a hang in the test's client, not in the relay.
     */
    private final Context calls = vertx.getOrCreateContext();
    /** The client port of each request the upstream received, in order. */
    private final List<Integer> upstreamPorts = new CopyOnWriteArrayList<>();
    private Consumer<HttpServerRequest> answer = req -> req.response().end("ok");

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void exchangesOneAfterAnotherRideOneUpstreamConnection() throws Exception {
        HttpClientAgent client = vertx.createHttpClient();
        int relay = relay();
        for (int i = 0; i < 10; i++) assertThat(call(client, relay)).isEqualTo("200 ok");
        assertThat(upstreamPorts).hasSize(10);
        assertThat(upstreamPorts.stream().distinct()).as("upstream connections for 10 exchanges in turn").hasSize(1);
    }

    @Test
    void aConnectionTheUpstreamSaidItWouldCloseIsNotUsedAgainAndTheNextExchangeSucceeds() throws Exception {
        answer = req -> req.response().putHeader("connection", "close").end("bye");
        HttpClientAgent client = vertx.createHttpClient();
        int relay = relay();
        for (int i = 0; i < 5; i++) assertThat(call(client, relay)).isEqualTo("200 bye");
        assertThat(upstreamPorts.stream().distinct()).as("a new upstream connection each time").hasSize(5);
    }

    @Test
    void aConnectionWhoseResponseBrokeOffIsNotUsedAgain() throws Exception {
        int[] n = {0};
        answer = req -> {
            if (n[0]++ % 2 == 0) {
                req.response().setChunked(true).write("half");
                req.connection().close(); // the body never ends
            } else {
                req.response().end("ok");
            }
        };
        HttpClientAgent client = vertx.createHttpClient();
        int relay = relay();
        for (int i = 0; i < 3; i++) {
            call(client, relay); // broken: the client sees a reset or a short body
            assertThat(call(client, relay)).isEqualTo("200 ok");
        }
        assertThat(upstreamPorts).hasSize(6);
        for (int i = 0; i < 6; i += 2) {
            assertThat(upstreamPorts.get(i + 1)).as("the connection after broken exchange %d", i / 2).isNotEqualTo(upstreamPorts.get(i));
        }
    }

    /** An upstream answering with {@link #answer}, and a relay in front of it made of ProxyExchange alone. */
    private int relay() throws Exception {
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> {
            upstreamPorts.add(req.remoteAddress().port());
            req.body().onSuccess(b -> answer.accept(req));
        });
        int upPort = await(upstream.listen(0, "127.0.0.1")).actualPort();
        UpstreamClient client = new UpstreamClient(vertx, URI.create("http://127.0.0.1:" + upPort), Duration.ofSeconds(10));
        HttpServer relay = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body ->
                new ProxyExchange(client, req, body, io.vertx.core.MultiMap.caseInsensitiveMultiMap(), null, false,
                        r -> Future.succeededFuture()).start()));
        return await(relay.listen(0, "127.0.0.1")).actualPort();
    }

    /** "status body", or the failure's class when the response broke. */
    private String call(HttpClientAgent client, int port) throws Exception {
        Promise<String> answer = Promise.promise();
        calls.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/x"))
                .compose(r -> r.send(Buffer.buffer("{}")))
                .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b))
                .recover(t -> Future.succeededFuture(t.getClass().getSimpleName()))
                .onComplete(answer));
        return await(answer.future());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
