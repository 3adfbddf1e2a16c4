package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import tally.core.TokenCounts;

/**
 * The usage of one response as it is learned. Every field present in a later report overwrites the
 * earlier value, never adds to it: {@code message_delta} usage is cumulative (docs/formats.md §1.4).
 */
final class MessageUsage {
    private long input;
    private long cacheCreation;
    private Long cacheWrite5m;
    private Long cacheWrite1h;
    private long cacheRead;
    private long output;
    private long webSearches;
    private boolean fast;
    private boolean seen;
    private String model;
    private String messageId;
    /** A mid-stream {@code error} event's type, e.g. overloaded_error; null when none came. */
    private String errorType;

    /** Applies a {@code usage} object: every field it has replaces what was known. */
    void apply(JsonNode usage) {
        if (usage == null || !usage.isObject()) return;
        seen = true;
        input = longOr(usage.get("input_tokens"), input);
        cacheCreation = longOr(usage.get("cache_creation_input_tokens"), cacheCreation);
        cacheRead = longOr(usage.get("cache_read_input_tokens"), cacheRead);
        output = longOr(usage.get("output_tokens"), output);
        JsonNode cc = usage.get("cache_creation");
        if (cc != null && cc.isObject()) {
            if (cc.has("ephemeral_5m_input_tokens")) cacheWrite5m = longOr(cc.get("ephemeral_5m_input_tokens"), 0);
            if (cc.has("ephemeral_1h_input_tokens")) cacheWrite1h = longOr(cc.get("ephemeral_1h_input_tokens"), 0);
        }
        JsonNode stu = usage.get("server_tool_use");
        if (stu != null && stu.isObject()) webSearches = longOr(stu.get("web_search_requests"), webSearches);
        JsonNode speed = usage.get("speed");
        if (speed != null && speed.isTextual()) fast = speed.asText().equals("fast");
    }

    /** Applies a whole message object (a non-streaming response, or message_start's message). */
    void applyMessage(JsonNode message) {
        if (message == null || !message.isObject()) return;
        if (message.path("model").isTextual()) model = message.get("model").asText();
        if (message.path("id").isTextual()) messageId = message.get("id").asText();
        apply(message.get("usage"));
    }

    void error(String type) {
        errorType = type == null ? "error" : type;
    }

    boolean seen() {
        return seen;
    }

    String model() {
        return model;
    }

    String messageId() {
        return messageId;
    }

    String errorType() {
        return errorType;
    }

    boolean fast() {
        return fast;
    }

    long webSearches() {
        return webSearches;
    }

    /** The five classes; cache writes split 5m/1h when the response says so, else all 5-minute. */
    TokenCounts tokens() {
        long w1h = cacheWrite1h == null ? 0 : cacheWrite1h;
        long w5m = cacheWrite5m == null ? cacheCreation - w1h : Math.max(cacheWrite5m, cacheCreation - w1h);
        return new TokenCounts(Math.max(0, input), Math.max(0, w5m), Math.max(0, w1h), Math.max(0, cacheRead), Math.max(0, output));
    }

    private static long longOr(JsonNode n, long fallback) {
        return n != null && n.canConvertToLong() ? n.asLong() : fallback;
    }
}
