package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

import java.util.Base64;
import java.util.logging.Logger;

/**
 * Meters a Bedrock {@code application/vnd.amazon.eventstream} response while its bytes pass to the
 * client untouched: AWS's decoder splits the frames whatever the chunk boundaries, and each frame is
 * read for usage.
 * <ul>
 *   <li>InvokeModelWithResponseStream: {@code chunk} events carry one Anthropic event, base64 in
 *       {@code {"bytes":…}}: {@code message_start}/{@code message_delta} usage as on the first-party
 *       stream, and {@code amazon-bedrock-invocationMetrics} on {@code message_stop} (used when no
 *       Anthropic usage came);</li>
 *   <li>ConverseStream: the {@code metadata} event's {@code usage} (inputTokens, outputTokens,
 *       cacheReadInputTokens, cacheWriteInputTokens);</li>
 *   <li>an {@code exception} (or {@code error}) frame: the request failed mid-stream with that type
 *       (throttlingException, modelStreamErrorException, …).</li>
 * </ul>
 */
final class EventStreamTap extends UsageTap implements UsageTap.Streamed {
    private static final Logger LOG = Logger.getLogger(EventStreamTap.class.getName());

    private final MessageDecoder decoder = new MessageDecoder(this::frame);
    private boolean broken;
    private boolean usageFinal;
    private JsonNode invocationMetrics;

    @Override
    void feed(Buffer chunk) {
        if (broken) return;
        try {
            decoder.feed(chunk.getBytes());
        } catch (RuntimeException badFrame) {
            // a corrupt frame is the client's to see (its SDK checks the CRCs too); metering stops here, and a
            // success's record is refused: what followed the frame, its final usage included, is unread
            broken = true;
            usage.unreadable("event-stream frame: " + badFrame.getMessage());
            LOG.warning("bedrock: unreadable event-stream frame, metering stops: " + badFrame.getMessage());
        }
    }

    @Override
    public boolean usageFinal() {
        return usageFinal;
    }

    @Override
    void finish() {
        if (!usage.seen() && invocationMetrics != null) {
            usage.apply(anthropicUsage(invocationMetrics, "inputTokenCount", "outputTokenCount",
                    "cacheReadInputTokenCount", "cacheWriteInputTokenCount"));
        }
    }

    private void frame(Message m) {
        String type = header(m, ":message-type");
        if ("exception".equals(type) || "error".equals(type)) {
            String name = header(m, "exception".equals(type) ? ":exception-type" : ":error-code");
            usage.error(name == null ? "exception" : name);
            usageFinal = true;
            return;
        }
        String event = header(m, ":event-type");
        try {
            JsonNode payload = JSON.readTree(m.getPayload());
            if ("chunk".equals(event)) {
                anthropicEvent(JSON.readTree(Base64.getDecoder().decode(payload.path("bytes").asText(""))));
            } else if ("metadata".equals(event)) { // ConverseStream's last event
                usage.apply(anthropicUsage(payload.path("usage"), "inputTokens", "outputTokens",
                        "cacheReadInputTokens", "cacheWriteInputTokens"));
                usageFinal = true;
            }
        } catch (Exception malformed) { // a frame whose payload is not what Bedrock sends: its usage, if any, is unread
            if ("chunk".equals(event) || "metadata".equals(event)) usage.unreadable(event + " frame: " + reason(malformed));
        }
    }

    private void anthropicEvent(JsonNode e) {
        switch (e.path("type").asText("")) {
            case "message_start" -> usage.applyMessage(e.get("message"));
            case "message_delta" -> {
                usage.apply(e.get("usage"));
                JsonNode stop = e.path("delta").path("stop_reason");
                if (!stop.isMissingNode() && !stop.isNull()) usageFinal = true;
            }
            case "message_stop" -> {
                if (e.has("amazon-bedrock-invocationMetrics")) invocationMetrics = e.get("amazon-bedrock-invocationMetrics");
                usageFinal = true;
            }
            case "error" -> {
                usage.error(e.path("error").path("type").asText(null));
                usageFinal = true;
            }
            default -> { } // content blocks carry no usage
        }
    }

    /**
     * Bedrock's counts under the Anthropic usage names, so one reader applies both (Converse's answer
     * too): null when there are none, and a value that is not an object as it is, for the reader to name.
     */
    static JsonNode anthropicUsage(JsonNode counts, String in, String out, String cacheRead, String cacheWrite) {
        if (counts == null || counts.isMissingNode()) return null;
        if (!counts.isObject()) return counts;
        ObjectNode u = JSON.createObjectNode();
        copy(counts, in, u, "input_tokens");
        copy(counts, out, u, "output_tokens");
        copy(counts, cacheRead, u, "cache_read_input_tokens");
        copy(counts, cacheWrite, u, "cache_creation_input_tokens");
        return u;
    }

    private static void copy(JsonNode from, String name, ObjectNode to, String as) {
        if (from.has(name)) to.set(as, from.get(name)); // as it came: MessageUsage refuses a count the ledger cannot hold
    }

    private static String header(Message m, String name) {
        HeaderValue v = m.getHeaders().get(name);
        try {
            return v == null ? null : v.getString();
        } catch (RuntimeException notAString) {
            return null;
        }
    }
}
