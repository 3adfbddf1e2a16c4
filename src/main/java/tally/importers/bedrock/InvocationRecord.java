package tally.importers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import tally.core.Bounds;
import tally.core.TokenCounts;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The billable part of one Bedrock model invocation log record (docs/formats.md §5.2). Input counts exclude
 * cache reads and writes; the 5-minute/1-hour split of cache writes is only in the response body
 * ({@code cache_creation}), so without it every write is taken as 5-minute.
 */
record InvocationRecord(String requestId, Instant time, String arn, String region, String modelId,
                        TokenCounts tokens, int status, String project) {

    static final class Invalid extends Exception {
        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    static InvocationRecord of(JsonNode r, Long wrapperTimeMs) throws Invalid {
        String requestId = text(r, "requestId");
        if (requestId == null) throw new Invalid("record without requestId");
        String modelId = text(r, "modelId");
        if (modelId == null) throw new Invalid("record without modelId");
        Instant time;
        String ts = text(r, "timestamp");
        try {
            time = ts != null ? Instant.parse(ts) : wrapperTimeMs != null ? Instant.ofEpochMilli(wrapperTimeMs) : null;
        } catch (DateTimeParseException e) {
            throw new Invalid("unreadable timestamp '" + ts + "'");
        }
        if (time == null) throw new Invalid("record without timestamp");

        JsonNode in = r.path("input");
        JsonNode out = r.path("output");
        JsonNode usage = bodyUsage(out.path("outputBodyJson"));
        long input = count(in, "inputTokenCount", usage, "input_tokens");
        long read = count(in, "cacheReadInputTokenCount", usage, "cache_read_input_tokens");
        long write = count(in, "cacheWriteInputTokenCount", usage, "cache_creation_input_tokens");
        long output = count(out, "outputTokenCount", usage, "output_tokens");
        long w1h = 0;
        JsonNode split = usage == null ? null : usage.get("cache_creation");
        if (split != null && split.isObject()) {
            long s5 = count(split, "ephemeral_5m_input_tokens", null, null); // refused as the others, never cut
            long s1 = count(split, "ephemeral_1h_input_tokens", null, null);
            if (s5 + s1 == write) w1h = s1;
        }
        if (input < 0 || read < 0 || write < 0 || output < 0) throw new Invalid("negative token count");
        TokenCounts tokens = new TokenCounts(input, write - w1h, w1h, read, output);
        String refused = Bounds.tokens(tokens);
        if (refused == null) refused = Bounds.time(time, Instant.now());
        String arn = text(r.path("identity"), "arn");
        String region = text(r, "region");
        String project = project(r.path("requestMetadata"));
        if (refused == null) refused = Bounds.text("requestId", requestId);
        if (refused == null) refused = Bounds.text("identity.arn", arn);
        if (refused == null) refused = Bounds.text("region", region);
        if (refused == null) refused = Bounds.text("modelId", modelId);
        if (refused == null) refused = Bounds.text("requestMetadata.project", project);
        if (refused != null) throw new Invalid(refused); // a counted skip with file:line, never stored
        return new InvocationRecord(requestId, time, arn, region, modelId, tokens, status(text(r, "errorCode")), project);
    }

    /** The project named in the request's metadata ({@code requestMetadata.project}, or {@code Project}), or null. */
    static String project(JsonNode metadata) {
        String p = text(metadata, "project");
        return p != null ? p : text(metadata, "Project");
    }

    /** The usage inside the response body: a Messages response, or the first stream event's message. */
    private static JsonNode bodyUsage(JsonNode body) {
        if (body.isObject()) return body.get("usage");
        if (body.isArray()) {
            for (JsonNode event : body) {
                JsonNode u = event.path("message").get("usage");
                if (u != null) return u;
            }
        }
        return null;
    }

    private static long count(JsonNode node, String field, JsonNode usage, String usageField) throws Invalid {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) v = usage == null ? null : usage.get(usageField);
        if (v == null || v.isNull()) return 0;
        String why = Bounds.tokens(field, v);
        if (why != null) throw new Invalid(why);
        return Bounds.count(v);
    }

    private static int status(String errorCode) {
        if (errorCode == null || errorCode.isBlank()) return 200;
        String e = errorCode.toLowerCase();
        if (e.contains("throttl")) return 429;
        if (e.contains("validation")) return 400;
        if (e.contains("accessdenied")) return 403;
        if (e.contains("timeout")) return 504;
        return 500;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
