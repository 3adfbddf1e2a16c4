package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local stand-in for the Anthropic API that speaks the exact wire format of formats.md §1:
 * Messages (JSON and SSE), count_tokens, batches and errors. It keeps every request it received and
 * every byte it sent, so tests can compare both ends of the gateway.
 */
public final class FakeAnthropic implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Usage a reply reports: the fixtures' "first call of a turn" by default. */
    record Usage(long input, long cacheWrite, long cacheRead, long output, long webSearches) {
        static final Usage FIRST_CALL = new Usage(25, 1500, 12000, 7, 0);
        static final Usage AFTER_TOOL = new Usage(40, 220, 13500, 11, 0);
    }

    /** How a streaming reply behaves. */
    enum Mode { NORMAL, ERROR_EVENT, FAIL_MID_STREAM, STALL_MID_STREAM, END_MID_STREAM }

    record Seen(String method, String uri, MultiMap headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                return null;
            }
        }
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Bytes sent, by the request id of the reply. */
    final Map<String, byte[]> sent = new ConcurrentHashMap<>();
    volatile Function<Seen, Usage> usage = s -> Usage.FIRST_CALL;
    volatile Mode mode = Mode.NORMAL;
    /** Milliseconds between SSE events. */
    public volatile long eventDelayMs = 0;
    /** Text deltas per streamed reply. */
    public volatile int deltas = 2;
    /** When set, every /v1/messages call is answered with this error status. */
    volatile Integer errorStatus;
    /** What a misbehaving upstream does to each message body, SSE event and batch results body it sends. */
    volatile java.util.function.UnaryOperator<String> garble = s -> s;
    /** When set, message bodies are sent gzip-encoded whatever the request's accept-encoding (a misbehaving upstream). */
    volatile boolean gzip;
    final AtomicInteger streamsOpen = new AtomicInteger();
    /** The most streams open at once so far. */
    final AtomicInteger peakStreams = new AtomicInteger();

    private final Vertx vertx;
    private final HttpServer server;
    private final AtomicInteger ids = new AtomicInteger();

    public FakeAnthropic(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer();
        server.requestHandler(this::handle);
        await(server.listen(0, "127.0.0.1"));
    }

    int port() {
        return server.actualPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    Seen last() {
        return seen.get(seen.size() - 1);
    }

    /** Request body bytes received so far, counted as they arrive (before a request has ended). */
    final java.util.concurrent.atomic.AtomicLong bodyBytes = new java.util.concurrent.atomic.AtomicLong();

    private void handle(HttpServerRequest req) {
        Buffer received = Buffer.buffer();
        req.handler(chunk -> {
            received.appendBuffer(chunk);
            bodyBytes.addAndGet(chunk.length());
        });
        io.vertx.core.Promise<Buffer> whole = io.vertx.core.Promise.promise();
        req.endHandler(v -> whole.complete(received));
        whole.future().onSuccess(body -> {
            Seen s = new Seen(req.method().name(), req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString());
            seen.add(s);
            String path = req.path();
            HttpServerResponse resp = req.response();
            String requestId = "req_fake_" + ids.incrementAndGet();
            resp.putHeader("request-id", requestId);
            if (path.equals("/v1/messages") && req.method().name().equals("POST")) {
                if (errorStatus != null) {
                    error(resp, errorStatus, errorStatus == 529 ? "overloaded_error" : "api_error", "Overloaded", requestId);
                    return;
                }
                JsonNode j = s.json();
                String model = j == null ? "claude-sonnet-4-5-20250929" : j.path("model").asText();
                Usage u = usage.apply(s);
                if (j != null && j.path("stream").asBoolean(false)) stream(resp, requestId, model, u);
                else message(resp, requestId, model, u);
            } else if (path.equals("/v1/messages/count_tokens")) {
                json(resp, 200, "{\"input_tokens\":22}", requestId);
            } else if (path.equals("/v1/messages/batches") && req.method().name().equals("POST")) {
                json(resp, 200, "{\"id\":\"msgbatch_fake_" + ids.get() + "\",\"type\":\"message_batch\",\"processing_status\":\"in_progress\","
                        + "\"created_at\":\"2026-11-20T10:00:00Z\"}", requestId);
            } else if (path.matches("/v1/messages/batches/[^/]+/results")) {
                batchResults(resp, path.split("/")[4]);
            } else if (path.matches("/v1/messages/batches/[^/]+")) {
                json(resp, 200, "{\"id\":\"" + path.split("/")[4] + "\",\"type\":\"message_batch\",\"processing_status\":\"ended\","
                        + "\"created_at\":\"2026-11-20T10:00:00Z\",\"ended_at\":\"2026-11-20T11:30:00Z\"}", requestId);
            } else if (path.equals("/v1/files") && req.method().name().equals("POST")) {
                json(resp, 200, "{\"id\":\"file_fake_" + ids.get() + "\",\"type\":\"file\",\"size_bytes\":" + body.length()
                        + ",\"created_at\":\"2026-11-20T10:00:00Z\"}", requestId);
            } else if (path.equals("/v1/models")) {
                json(resp, 200, "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5-20250929\"}],\"has_more\":false}", requestId);
            } else {
                error(resp, 404, "not_found_error", "Not found", requestId);
            }
        });
    }

    static String usageJson(Usage u, long output) {
        return "{\"input_tokens\":" + u.input + ",\"cache_creation_input_tokens\":" + u.cacheWrite
                + ",\"cache_read_input_tokens\":" + u.cacheRead + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":"
                + u.cacheWrite + ",\"ephemeral_1h_input_tokens\":0},\"output_tokens\":" + output
                + (u.webSearches > 0 ? ",\"server_tool_use\":{\"web_search_requests\":" + u.webSearches + "}" : "")
                + ",\"service_tier\":\"standard\"}";
    }

    private void message(HttpServerResponse resp, String requestId, String model, Usage u) {
        String body = "{\"id\":\"msg_01Fake" + requestId + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
                + "\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":" + usageJson(u, u.output) + "}";
        byte[] bytes = garble.apply(body).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (gzip) {
            bytes = gzipped(bytes);
            resp.putHeader("content-encoding", "gzip");
        }
        sent.put(requestId, bytes);
        resp.setStatusCode(200).putHeader("content-type", "application/json").end(Buffer.buffer(bytes));
    }

    private void stream(HttpServerResponse resp, String requestId, String model, Usage u) {
        List<String> events = new ArrayList<>();
        events.add(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Fake" + requestId
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":" + usageJson(u, 1) + "}}"));
        events.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        events.add(event("ping", "{\"type\": \"ping\"}"));
        for (int i = 0; i < deltas; i++) {
            events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"h" + i + "\"}}"));
        }
        // A partial usage report first: the tap must overwrite, not add.
        events.add(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null,\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + Math.max(1, u.output / 2) + "}}"));
        if (mode == Mode.FAIL_MID_STREAM || mode == Mode.STALL_MID_STREAM || mode == Mode.END_MID_STREAM) {
            events.add(null); // cut here
        }
        events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        events.add(event("future_event_type", "{\"type\":\"future_event_type\",\"usage\":{\"output_tokens\":999999}}"));
        if (mode == Mode.ERROR_EVENT) {
            events.add(event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        } else {
            events.add(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + u.output + "}}"));
            events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        }
        resp.setStatusCode(200).setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache");
        peakStreams.accumulateAndGet(streamsOpen.incrementAndGet(), Math::max);
        resp.closeHandler(v -> streamsOpen.decrementAndGet());
        events.replaceAll(e -> e == null ? null : garble.apply(e));
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        Mode m = mode;
        writeEvents(resp, events, 0, copy, requestId, m);
    }

    private void writeEvents(HttpServerResponse resp, List<String> events, int i, ByteArrayOutputStream copy, String requestId, Mode m) {
        if (resp.closed()) return;
        if (i == events.size()) {
            sent.put(requestId, copy.toByteArray());
            streamsOpen.decrementAndGet();
            resp.end();
            return;
        }
        String e = events.get(i);
        if (e == null) {
            sent.put(requestId, copy.toByteArray());
            if (m == Mode.FAIL_MID_STREAM) resp.reset(); // the upstream dies mid-stream
            if (m == Mode.END_MID_STREAM) { // the body ends cleanly, before the message does
                streamsOpen.decrementAndGet();
                resp.end();
            }
            return; // STALL: never another byte
        }
        byte[] b = e.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        copy.writeBytes(b);
        resp.write(Buffer.buffer(b));
        if (eventDelayMs > 0) vertx.setTimer(eventDelayMs, t -> writeEvents(resp, events, i + 1, copy, requestId, m));
        else writeEvents(resp, events, i + 1, copy, requestId, m);
    }

    private void batchResults(HttpServerResponse resp, String batchId) {
        String body = "{\"custom_id\":\"a-1\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_b1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":1000,\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":0,\"output_tokens\":2000,\"service_tier\":\"batch\"}}}}\n"
                + "{\"custom_id\":\"a-2\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}}}\n"
                + "{\"custom_id\":\"a-3\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_b3\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\",\"content\":[],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":500,\"output_tokens\":100,\"service_tier\":\"batch\"}}}}\n"
                + "{\"custom_id\":\"a-4\",\"result\":{\"type\":\"expired\"}}\n";
        resp.setStatusCode(200).putHeader("content-type", "application/binary").end(garble.apply(body));
    }

    private static byte[] gzipped(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private void json(HttpServerResponse resp, int status, String body, String requestId) {
        sent.put(requestId, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        resp.setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    private void error(HttpServerResponse resp, int status, String type, String message, String requestId) {
        json(resp, status, "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message
                + "\"},\"request_id\":\"" + requestId + "\"}", requestId);
    }

    static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        await(server.close());
    }
}
