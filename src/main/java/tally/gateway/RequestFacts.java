package tally.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import tally.core.Bounds;

/**
 * The few request-body fields the gateway needs (model, max_tokens, stream, inference_geo), read
 * with a streaming parser that skips everything else unparsed. The body is never validated: a body
 * this cannot read is forwarded untouched and the upstream answers it.
 */
record RequestFacts(String model, Long maxTokens, boolean stream, String inferenceGeo, boolean readable, String maxTokensProblem,
                    String maxTokensField) {
    private static final JsonFactory FACTORY = new JsonFactory();
    /** The client's body, rewritten as it came (not {@link UsageTap#JSON}, which reads the upstream's NaN as a number). */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static final RequestFacts UNREADABLE = new RequestFacts(null, null, false, null, false, null, "max_tokens");

    static RequestFacts read(Buffer body) {
        if (body == null || body.length() == 0) return UNREADABLE;
        try (JsonParser p = FACTORY.createParser(body.getBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) return UNREADABLE;
            String model = null;
            Long maxTokens = null;
            boolean stream = false;
            String geo = null;
            String maxProblem = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> model = v == JsonToken.VALUE_STRING ? p.getText() : model;
                    case "max_tokens" -> {
                        MaxTokens m = maxTokens(p, v, "max_tokens");
                        maxTokens = m.value;
                        maxProblem = m.problem;
                    }
                    case "stream" -> stream = v == JsonToken.VALUE_TRUE;
                    case "inference_geo" -> geo = v == JsonToken.VALUE_STRING ? p.getText() : geo;
                    default -> p.skipChildren();
                }
            }
            return new RequestFacts(model, maxTokens, stream, geo, true, maxProblem, "max_tokens");
        } catch (Exception e) {
            return UNREADABLE;
        }
    }

    /**
     * A Bedrock Converse body ({@code /converse}, {@code /converse-stream}): the model is in the path,
     * the output cap is {@code inferenceConfig.maxTokens} (docs/formats.md, Bedrock).
     */
    static RequestFacts readConverse(Buffer body) {
        if (body == null || body.length() == 0) return UNREADABLE;
        try (JsonParser p = FACTORY.createParser(body.getBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) return UNREADABLE;
            MaxTokens m = new MaxTokens(null, null);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!name.equals("inferenceConfig") || v != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken fv = p.nextToken();
                    if (field.equals("maxTokens")) m = maxTokens(p, fv, "inferenceConfig.maxTokens");
                    else p.skipChildren();
                }
            }
            return new RequestFacts(null, m.value, false, null, true, m.problem, "inferenceConfig.maxTokens");
        } catch (Exception e) {
            return UNREADABLE;
        }
    }

    private record MaxTokens(Long value, String problem) {}

    /** An absurd cap is the caller's mistake (a 400), not a body to forward or a 500. */
    private static MaxTokens maxTokens(JsonParser p, JsonToken v, String field) throws java.io.IOException {
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long value = p.getLongValue();
            return new MaxTokens(value, Bounds.tokens(field, value));
        }
        if (v == JsonToken.VALUE_NULL) return new MaxTokens(null, null);
        String got = p.getText();
        p.skipChildren();
        return new MaxTokens(null, field + ": expected a whole number in [0, 1e10], got " + got);
    }

    /** A Converse body with {@code inferenceConfig.maxTokens} replaced; everything else stays as it was. */
    static Buffer rewriteConverse(Buffer body, long maxTokens) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(body.getBytes());
            JsonNode config = o.get("inferenceConfig");
            ObjectNode c = config instanceof ObjectNode existing ? existing : o.putObject("inferenceConfig");
            c.put("maxTokens", maxTokens);
            return Buffer.buffer(JSON.writeValueAsBytes(o));
        } catch (Exception e) {
            return body;
        }
    }

    /**
     * The body with model and/or max_tokens replaced; every other field, known or not, stays as it
     * was (in order). Only called when policy changes something.
     */
    static Buffer rewrite(Buffer body, String model, Long maxTokens) {
        try {
            JsonNode tree = JSON.readTree(body.getBytes());
            ObjectNode o = (ObjectNode) tree;
            if (model != null) o.put("model", model);
            if (maxTokens != null) o.put("max_tokens", maxTokens);
            return Buffer.buffer(JSON.writeValueAsBytes(o));
        } catch (Exception e) {
            return body;
        }
    }
}
