package tally.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Message Batches create body ({@code {"requests":[{"custom_id":…,"params":{…}}]}}, docs/formats.md §1.7)
 * read with a streaming parser: each request's custom_id and where its params lie in the body, so the
 * params can be checked like a Messages body and, when policy changes them, spliced back in place while
 * every other byte is forwarded as sent. A field named twice is refused (the gateway and the upstream
 * could read different values); so is more than Anthropic's 100,000 requests.
 */
final class BatchScan {
    static final int MAX_REQUESTS = 100_000;
    private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** One request of the batch: its custom_id (null when absent) and its params' bytes [start, end) in the body. */
    record Item(int index, String customId, int start, int end) {
        String named() {
            return "requests[" + index + "]" + (customId == null ? "" : " (custom_id '" + customId + "')");
        }
    }

    /** The requests, or why the body cannot be read (then {@code items} is null). */
    record Result(List<Item> items, String problem) {}

    private BatchScan() {}

    static Result read(Buffer body) {
        if (body == null || body.length() == 0) return problem("the body is empty; expected {\"requests\":[…]}");
        List<Item> items = null;
        try (JsonParser p = FACTORY.createParser(body.getBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) return problem("expected a JSON object {\"requests\":[…]}");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!name.equals("requests")) {
                    p.skipChildren();
                    continue;
                }
                if (v != JsonToken.START_ARRAY) return problem("requests: expected an array of {\"custom_id\", \"params\"}");
                items = new ArrayList<>();
                String bad = requests(p, items);
                if (bad != null) return problem(bad);
            }
            if (p.nextToken() != null) return problem("unexpected content after the JSON object");
        } catch (IOException | RuntimeException e) {
            return problem("the body is not JSON the gateway can read: " + firstLine(e.getMessage()));
        }
        return items == null ? problem("requests: missing; expected an array of {\"custom_id\", \"params\"}") : new Result(items, null);
    }

    /** Reads the requests array's elements into {@code into}; returns what is wrong with one, or null. */
    private static String requests(JsonParser p, List<Item> into) throws IOException {
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            int index = into.size();
            if (index >= MAX_REQUESTS) return "a batch holds at most " + MAX_REQUESTS + " requests";
            if (e != JsonToken.START_OBJECT) return "requests[" + index + "]: expected an object {\"custom_id\", \"params\"}";
            String customId = null;
            int start = -1;
            int end = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("custom_id") && v == JsonToken.VALUE_STRING) {
                    customId = p.getText();
                } else if (field.equals("params") && v == JsonToken.START_OBJECT) {
                    start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    end = (int) p.currentLocation().getByteOffset();
                } else if (field.equals("params")) {
                    return "requests[" + index + "].params: expected an object (a Messages request)";
                } else {
                    p.skipChildren();
                }
            }
            Item item = new Item(index, customId, start, end);
            if (start < 0) return item.named() + ": params missing; expected a Messages request";
            into.add(item);
        }
        return null;
    }

    private static Result problem(String why) {
        return new Result(null, why);
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
