package tally.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local Vertex AI endpoint for Claude: {@code :streamRawPredict} answers standard Anthropic SSE
 * (by default the bytes captured from Claude Code's session), {@code :rawPredict} a Messages JSON;
 * anything without the expected Google access token is a 401, as Google answers it.
 */
final class FakeVertex implements AutoCloseable {
    static final String TOKEN = "ya29.tally-test-token";

    record Seen(String path, MultiMap headers, String body) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    volatile byte[] stream;
    /** Whether answers carry a request-id header. */
    volatile boolean requestIds = true;
    final List<String> sentRequestIds = new CopyOnWriteArrayList<>();

    private final HttpServer server;

    FakeVertex(Vertx vertx, byte[] stream) {
        this.stream = stream;
        server = vertx.createHttpServer();
        server.requestHandler(this::handle);
        FakeAnthropic.await(server.listen(0, "127.0.0.1"));
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(b -> {
            seen.add(new Seen(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), b.toString()));
            HttpServerResponse resp = req.response();
            if (!("Bearer " + TOKEN).equals(req.getHeader("authorization"))) {
                resp.setStatusCode(401).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}");
                return;
            }
            if (requestIds) {
                String id = "req_vrtx_" + UUID.randomUUID().toString().replace("-", "");
                sentRequestIds.add(id);
                resp.putHeader("request-id", id);
            }
            if (req.path().endsWith(":streamRawPredict")) {
                resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
                String[] events = new String(stream, java.nio.charset.StandardCharsets.UTF_8).split("(?<=\n\n)");
                for (String e : events) resp.write(Buffer.buffer(e));
                resp.end();
            } else {
                resp.putHeader("content-type", "application/json")
                        .end("{\"id\":\"msg_vrtx_01Raw\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
                                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                                + "\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":1500,\"cache_read_input_tokens\":12000,\"output_tokens\":7}}");
            }
        });
    }

    @Override
    public void close() {
        FakeAnthropic.await(server.close());
    }
}
