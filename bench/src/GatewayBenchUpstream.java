import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake Anthropic API the gateway bench measures against: a Messages response as JSON or as an
 * SSE stream (written event by event, at once), or a stream held open with a ping every few seconds
 * (header x-bench-hold) for the open-streams figure. Usage: GatewayBenchUpstream PORT
 */
public final class GatewayBenchUpstream {
    static final String USAGE_START = "{\"input_tokens\":25,\"cache_creation_input_tokens\":1500,\"cache_read_input_tokens\":12000,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":1500,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1,\"service_tier\":\"standard\"}";
    static final String JSON = "{\"id\":\"msg_01Bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":"
            + USAGE_START.replace("\"output_tokens\":1", "\"output_tokens\":7") + "}";
    static final String[] EVENTS = {
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Bench\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-haiku-4-5-20251001\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + USAGE_START + "}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" there\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":7}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"};

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        AtomicLong ids = new AtomicLong();
        Buffer json = Buffer.buffer(JSON);
        Buffer[] events = new Buffer[EVENTS.length];
        for (int i = 0; i < events.length; i++) events[i] = Buffer.buffer(EVENTS[i]);
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setAcceptBacklog(8192)).requestHandler(req -> req.body().onSuccess(body -> {
            HttpServerResponse resp = req.response().putHeader("request-id", "req_bench_" + ids.incrementAndGet());
            if (!req.path().equals("/v1/messages")) {
                resp.setStatusCode(404).end();
                return;
            }
            boolean stream = body.toString().contains("\"stream\":true");
            if (!stream) {
                resp.putHeader("content-type", "application/json").end(json);
                return;
            }
            resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
            if (req.getHeader("x-bench-hold") != null) {
                resp.write(events[0]);
                long timer = vertx.setPeriodic(5_000, t -> resp.write(events[2]));
                resp.closeHandler(v -> vertx.cancelTimer(timer));
                return;
            }
            for (Buffer e : events) resp.write(e);
            resp.end();
        })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        System.out.println("upstream listening on " + port);
    }
}
