package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import tally.core.Bounds;
import tally.core.TokenCounts;

/**
 * The usage of one response as it is learned. Every field present in a later report overwrites the
 * earlier value, never adds to it: {@code message_delta} usage is cumulative (docs/formats.md §1.4).
 * A count that is absent or null leaves what was known; one that is not a whole number in the
 * ledger's range (negative, a fraction, beyond 10^10, a string) is never read as 0 or cut to a
 * long: it is kept as the reason the response's record is {@link #refused}. Usage that cannot be read
 * at all (a body that is not JSON, a usage that is not an object, no usage or no input or output
 * count) is kept as the reason a successful response's record is refused ({@link #refusal}).
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
    /** Where the answer says it ran ({@code usage.inference_geo}); null when it did not say. */
    private String inferenceGeo;
    private boolean seen;
    private String model;
    private String messageId;
    /** A mid-stream {@code error} event's type, e.g. overloaded_error; null when none came. */
    private String errorType;
    /** The first count the ledger cannot hold, e.g. "input_tokens=-4 out of range [0, 1e10]"; null when none. */
    private String refused;
    /** Why the usage could not be read at all, e.g. "the body is not JSON: …"; null when it could. */
    private String unreadable;
    /** Whether a usage reported input_tokens, and output_tokens (a null count is not a report). */
    private boolean inputReported;
    private boolean outputReported;

    /** Applies a {@code usage} object: every field it has replaces what was known. */
    void apply(JsonNode usage) {
        if (usage == null) return;
        if (!usage.isObject()) {
            unreadable("usage=" + shown(usage) + " is not an object");
            return;
        }
        seen = true;
        inputReported |= present(usage, "input_tokens");
        outputReported |= present(usage, "output_tokens");
        input = count(usage, "input_tokens", "", input);
        cacheCreation = count(usage, "cache_creation_input_tokens", "", cacheCreation);
        cacheRead = count(usage, "cache_read_input_tokens", "", cacheRead);
        output = count(usage, "output_tokens", "", output);
        JsonNode cc = usage.get("cache_creation");
        if (cc != null && cc.isObject()) {
            if (present(cc, "ephemeral_5m_input_tokens")) cacheWrite5m = count(cc, "ephemeral_5m_input_tokens", "cache_creation.", 0);
            if (present(cc, "ephemeral_1h_input_tokens")) cacheWrite1h = count(cc, "ephemeral_1h_input_tokens", "cache_creation.", 0);
        }
        JsonNode stu = usage.get("server_tool_use");
        if (stu != null && stu.isObject()) webSearches = count(stu, "web_search_requests", "server_tool_use.", webSearches);
        JsonNode speed = usage.get("speed");
        if (speed != null && speed.isTextual()) fast = speed.asText().equals("fast");
        JsonNode geo = usage.get("inference_geo");
        if (geo != null && geo.isTextual()) inferenceGeo = geo.asText();
    }

    /** As {@link #apply(JsonNode)}, for a usage object {@link UsageScan} read. */
    void apply(UsageScan.Read r) {
        seen = true;
        inputReported |= r.input() != null;
        outputReported |= r.output() != null;
        input = checked("input_tokens", r.input(), input);
        cacheCreation = checked("cache_creation_input_tokens", r.cacheCreation(), cacheCreation);
        cacheRead = checked("cache_read_input_tokens", r.cacheRead(), cacheRead);
        output = checked("output_tokens", r.output(), output);
        if (r.write5m() != null) cacheWrite5m = checked("cache_creation.ephemeral_5m_input_tokens", r.write5m(), 0);
        if (r.write1h() != null) cacheWrite1h = checked("cache_creation.ephemeral_1h_input_tokens", r.write1h(), 0);
        webSearches = checked("server_tool_use.web_search_requests", r.webSearches(), webSearches);
        if (r.fast() != null) fast = r.fast();
        if (r.inferenceGeo() != null) inferenceGeo = r.inferenceGeo();
    }

    /** As {@link #applyMessage(JsonNode)}, for a message {@link UsageScan} read: id and model null where not text. */
    void applyMessage(String id, String model, UsageScan.Read usage) {
        if (model != null) this.model = model;
        if (id != null) messageId = id;
        if (usage != null) apply(usage);
    }

    /** Applies a whole message object (a non-streaming response, or message_start's message). */
    void applyMessage(JsonNode message) {
        if (message == null || !message.isObject()) {
            unreadable(message == null ? "the message is missing" : "the message is not an object: " + shown(message));
            return;
        }
        if (message.path("model").isTextual()) model = message.get("model").asText();
        if (message.path("id").isTextual()) messageId = message.get("id").asText();
        apply(message.get("usage"));
    }

    void error(String type) {
        errorType = type == null ? "error" : type;
    }

    /** Notes why the usage could not be read (the first reason is kept). */
    void unreadable(String why) {
        if (unreadable == null) unreadable = why;
    }

    /** Why this response's record cannot be stored: a count the ledger cannot hold; null when every count fits. */
    String refused() {
        return refused;
    }

    /**
     * Why the record of a response that ended with {@code status} is not stored, or null: a count the
     * ledger cannot hold, always; and for a success, usage that could not be read or lacks its input or
     * output count, never taken for a free request. A failed request keeps what it learned, however little.
     */
    String refusal(int status) {
        if (refused != null) return refused;
        if (status < 200 || status > 299) return null;
        if (unreadable != null) return "unreadable: " + unreadable;
        if (!seen) return "missing: the response has no usage";
        if (!inputReported || !outputReported) return "missing: usage has no " + (inputReported ? "output_tokens" : "input_tokens");
        return null;
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

    /** Where the answer says it ran, or null when it did not say. */
    String inferenceGeo() {
        return inferenceGeo;
    }

    long webSearches() {
        return webSearches;
    }

    /** The five classes; cache writes split 5m/1h when the response says so, else all 5-minute. */
    TokenCounts tokens() {
        long w1h = cacheWrite1h == null ? 0 : cacheWrite1h;
        long w5m = cacheWrite5m == null ? cacheCreation - w1h : Math.max(cacheWrite5m, cacheCreation - w1h);
        // every count is in range (apply): only a split that says more 1-hour writes than were written goes below 0
        return new TokenCounts(input, Math.max(0, w5m), w1h, cacheRead, output);
    }

    /** The count, or {@code before} when it is null or refused (noted in {@link #refused}). */
    private long checked(String field, Long v, long before) {
        if (v == null) return before;
        String why = Bounds.tokens(field, v);
        return why == null ? v : refuse(why, before);
    }

    private static boolean present(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        return n != null && !n.isNull();
    }

    /** A value as it is named in a reason: short, whatever the upstream sent. */
    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    /** The count named, or {@code before} when it is absent or null, or when it is refused (noted in {@link #refused}). */
    private long count(JsonNode parent, String name, String path, long before) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) return before;
        String why = Bounds.tokens(path + name, n);
        return why == null ? Bounds.count(n) : refuse(why, before);
    }

    /** Keeps the first reason a count was refused; what was known stays. */
    private long refuse(String why, long before) {
        if (refused == null) refused = why;
        return before;
    }
}
