package tally.importers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import tally.core.Bounds;
import tally.core.TokenCounts;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

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
        JsonNode body = out.path("outputBodyJson");
        JsonNode usage = bodyUsage(body);
        int status = status(text(r, "errorCode"));
        // a failed call (throttled, refused) may log no usage: it used none, and stays a failed request
        List<String> missing = status == 200 ? new ArrayList<>() : null;
        long input = count(in, "input.inputTokenCount", usage, "input_tokens", missing);
        long read = count(in, "input.cacheReadInputTokenCount", usage, "cache_read_input_tokens", null);
        long write = count(in, "input.cacheWriteInputTokenCount", usage, "cache_creation_input_tokens", null);
        long output = count(out, "output.outputTokenCount", endUsage(body), "output_tokens", missing);
        if (missing != null && !missing.isEmpty()) throw new Invalid("record without " + String.join(" and ", missing));
        long w1h = 0;
        JsonNode split = usage == null ? null : usage.get("cache_creation");
        if (split != null && split.isObject()) {
            // refused as the others, never cut; one left out fails the sum below, and every write stays 5-minute
            long s5 = count(split, "cache_creation.ephemeral_5m_input_tokens", null, null, null);
            long s1 = count(split, "cache_creation.ephemeral_1h_input_tokens", null, null, null);
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
        return new InvocationRecord(requestId, time, arn, region, modelId, tokens, status, project);
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

    /**
     * The usage the response body ends with, for its output count: a Messages response's, or a stream's
     * last {@code message_delta} (message_start's output_tokens is written before any output is).
     */
    private static JsonNode endUsage(JsonNode body) {
        if (body.isObject()) return body.get("usage");
        JsonNode last = null;
        for (JsonNode event : body) {
            if ("message_delta".equals(event.path("type").asText()) && event.get("usage") != null) last = event.get("usage");
        }
        return last;
    }

    /**
     * A count of the record ({@code path} names it: {@code input.inputTokenCount}), else the response
     * body's ({@code usageField}). Absent from both: 0, and named in {@code missing} if that is given (the
     * count is required; the cache counts are not: they are written only for models that cache). Written
     * as null, or as anything but a whole number in range: refused, never taken as 0.
     */
    private static long count(JsonNode node, String path, JsonNode usage, String usageField, List<String> missing)
            throws Invalid {
        String field = path.substring(path.indexOf('.') + 1);
        JsonNode v = node.get(field);
        if (v == null && usage != null && usage.get(usageField) != null) {
            return count(usage, "usage." + usageField, null, null, missing);
        }
        if (v == null) {
            if (missing != null) missing.add(path);
            return 0;
        }
        if (v.isNull()) throw new Invalid(path + " is null");
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
