package tally.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each event loop relays over upstream connections of its own, so an exchange stays on one thread:
 * a connection made by one loop is never lent to another (whose every response chunk would then
 * cross threads).
 */
class UpstreamClientTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void twoEventLoopsTakingTurnsUseAConnectionEachAndKeepReusingIt() throws Exception {
        Map<Integer, Set<String>> loopsByConnection = new ConcurrentHashMap<>(); // client port → loops that sent on it
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> {
            loopsByConnection.computeIfAbsent(req.remoteAddress().port(), p -> ConcurrentHashMap.newKeySet()).add(req.getHeader("x-loop"));
            req.response().end("ok");
        });
        int port = upstream.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        UpstreamClient client = new UpstreamClient(vertx, URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(10));
        List<Context> loops = new java.util.concurrent.CopyOnWriteArrayList<>();
        vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
            @Override
            public io.vertx.core.Future<?> start() throws Exception {
                loops.add(context); // as the server's listener instances: one per event loop
                return super.start();
            }
        }, new io.vertx.core.DeploymentOptions().setInstances(2)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Context a = loops.get(0);
        Context b = loops.get(1);
        assertThat(onLoop(a)).isNotSameAs(onLoop(b)); // two contexts on the two event loops
        for (int i = 0; i < 20; i++) {
            call(client, i % 2 == 0 ? a : b); // in turn, one at a time: a shared pool lends an idle connection of the other loop
            Thread.sleep(5); // the connection is back in its pool
        }
        assertThat(loopsByConnection).as("upstream connections for 20 calls from two loops in turn").hasSize(2);
        assertThat(loopsByConnection.values()).as("event loops that used each connection").allSatisfy(users -> assertThat(users).hasSize(1));
        client.close();
    }

    private static Thread onLoop(Context ctx) throws Exception {
        CompletableFuture<Thread> t = new CompletableFuture<>();
        ctx.runOnContext(v -> t.complete(Thread.currentThread()));
        return t.get(10, TimeUnit.SECONDS);
    }

    private static void call(UpstreamClient client, Context ctx) throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        ctx.runOnContext(v -> client.open(HttpMethod.GET, "/x")
                .compose(r -> r.putHeader("x-loop", Thread.currentThread().getName()).send())
                .compose(resp -> resp.body())
                .onComplete(ar -> {
                    if (ar.succeeded()) body.complete(ar.result().toString());
                    else body.completeExceptionally(ar.cause());
                }));
        assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    }
}
