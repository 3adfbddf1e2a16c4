package tally.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import tally.core.Bounds;
import tally.core.TokenCounts;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;

/**
 * A hand-made record's JSON ({@code POST /api/records/create}), read strictly: Jackson's own binding
 * read a fraction as the whole number below it and null as 0, and left a missing user or model to
 * fail later as a NullPointerException. Every field that is missing when required, empty, null where
 * a value is needed, of the wrong type, not a whole number in range, or unknown is refused with its
 * name ({@link IllegalArgumentException}, a 400); nothing is read as 0 or cut to fit.
 */
final class RecordRequestJson extends JsonDeserializer<Recording.Request> {
    private static final List<String> FIELDS = List.of("id", "time", "user", "team", "requestId", "model", "tokens", "webSearches", "batch");
    private static final List<String> CLASSES = List.of("input", "cacheWrite5m", "cacheWrite1h", "cacheRead", "output");

    @Override
    public Recording.Request deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        JsonNode body = p.readValueAsTree();
        if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object");
        known(body, "", FIELDS);
        return new Recording.Request(text(body, "id", false), time(body.get("time")), text(body, "user", true),
                text(body, "team", false), text(body, "requestId", false), text(body, "model", true), tokens(body.get("tokens")),
                count(body, "webSearches", "webSearches"), flag(body.get("batch")));
    }

    /** Refuses a field the request does not have: a misspelt count would otherwise be 0. */
    private static void known(JsonNode object, String path, List<String> names) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new IllegalArgumentException(path + name + ": unknown field (expected " + String.join(", ", names) + ")");
            }
        }
    }

    /** A string that is not empty; null when absent (or null) and not required. */
    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException(field + ": required, a non-empty string");
            return null;
        }
        if (!v.isTextual()) throw new IllegalArgumentException(field + ": expected a string, got " + v);
        if (v.asText().isBlank()) throw new IllegalArgumentException(field + " must not be empty" + (required ? "" : " (leave it out for none)"));
        return v.asText();
    }

    /** An ISO-8601 instant; null (now) when absent or null. */
    private static Instant time(JsonNode v) {
        if (v == null || v.isNull()) return null;
        try {
            if (v.isTextual()) return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            // named below
        }
        throw new IllegalArgumentException("time: expected an ISO-8601 instant such as 2026-01-31T10:00:00Z, got " + v);
    }

    /** The five classes: input and output required, the cache classes 0 when absent. */
    private static TokenCounts tokens(JsonNode t) {
        if (t == null || t.isNull()) throw new IllegalArgumentException("tokens: required, an object with input and output"
                + " (and cacheWrite5m, cacheWrite1h, cacheRead when there were any)");
        if (!t.isObject()) throw new IllegalArgumentException("tokens: expected an object, got " + t);
        known(t, "tokens.", CLASSES);
        for (String required : List.of("input", "output")) {
            if (!t.has(required)) throw new IllegalArgumentException("tokens." + required + ": required, a whole number in [0, 1e10]");
        }
        return new TokenCounts(count(t, "input", "tokens.input"), count(t, "cacheWrite5m", "tokens.cacheWrite5m"),
                count(t, "cacheWrite1h", "tokens.cacheWrite1h"), count(t, "cacheRead", "tokens.cacheRead"), count(t, "output", "tokens.output"));
    }

    /** A whole number in [0, 10^10], 0 when absent; null, a fraction or a string is refused as the ledger refuses it. */
    private static long count(JsonNode parent, String name, String field) {
        JsonNode v = parent.get(name);
        if (v == null) return 0;
        String why = Bounds.tokens(field, v);
        if (why != null) throw new IllegalArgumentException(why);
        return Bounds.count(v);
    }

    private static boolean flag(JsonNode v) {
        if (v == null) return false;
        if (!v.isBoolean()) throw new IllegalArgumentException("batch: expected true or false, got " + v);
        return v.asBoolean();
    }
}
