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
record RequestFacts(String model, Long maxTokens, boolean stream, String inferenceGeo, boolean readable, String maxTokensProblem) {
    private static final JsonFactory FACTORY = new JsonFactory();

    static final RequestFacts UNREADABLE = new RequestFacts(null, null, false, null, false, null);

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
                        // an absurd max_tokens is the caller's mistake (a 400), not a body to forward or a 500
                        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            maxTokens = p.getLongValue();
                            maxProblem = Bounds.tokens("max_tokens", maxTokens);
                        } else if (v != JsonToken.VALUE_NULL) {
                            maxProblem = "max_tokens: expected a whole number in [0, 1e10], got " + p.getText();
                            p.skipChildren();
                        }
                    }
                    case "stream" -> stream = v == JsonToken.VALUE_TRUE;
                    case "inference_geo" -> geo = v == JsonToken.VALUE_STRING ? p.getText() : geo;
                    default -> p.skipChildren();
                }
            }
            return new RequestFacts(model, maxTokens, stream, geo, true, maxProblem);
        } catch (Exception e) {
            return UNREADABLE;
        }
    }

    /**
     * The body with model and/or max_tokens replaced; every other field, known or not, stays as it
     * was (in order). Only called when policy changes something.
     */
    static Buffer rewrite(Buffer body, String model, Long maxTokens) {
        try {
            JsonNode tree = UsageTap.JSON.readTree(body.getBytes());
            ObjectNode o = (ObjectNode) tree;
            if (model != null) o.put("model", model);
            if (maxTokens != null) o.put("max_tokens", maxTokens);
            return Buffer.buffer(UsageTap.JSON.writeValueAsBytes(o));
        } catch (Exception e) {
            return body;
        }
    }
}
