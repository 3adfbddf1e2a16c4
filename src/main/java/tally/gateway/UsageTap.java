package tally.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

import java.io.ByteArrayOutputStream;

/**
 * Reads usage from a response while its bytes pass to the client: it sees every chunk, keeps only
 * what it needs, and never holds the stream back.
 *
 * <p>For SSE see {@link SseTap}. For a JSON body it keeps a copy (up to a cap) and parses it at the end.
 * What cannot be read is said ({@link MessageUsage#unreadable}), never taken for a response without usage.
 */
abstract class UsageTap {
    /** Reads the upstream's answers: a count written NaN or Infinity is a number, refused by name, not a parse failure. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    final MessageUsage usage = new MessageUsage();

    abstract void feed(Buffer chunk);

    /** The response ended (or broke off): parse what is complete. */
    abstract void finish();

    static UsageTap forContentType(String contentType) {
        if (contentType != null && contentType.toLowerCase().startsWith("text/event-stream")) return new SseTap();
        return new Json(32L << 20);
    }

    /**
     * The tap for an upstream answer: none for an error status (it carries no usage); for a body in a
     * content encoding, one that only says it cannot be read (identity was asked for); else
     * {@code byType}'s for its content type.
     */
    static UsageTap forAnswer(HttpClientResponse up, java.util.function.Function<String, UsageTap> byType) {
        if (up.statusCode() >= 400) return null;
        String encoding = up.getHeader("content-encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) return new Encoded(encoding.trim());
        return byType.apply(up.getHeader("content-type"));
    }

    /** Why a body could not be parsed, in Jackson's words without the location it appends. */
    static String reason(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage());
    }

    /** A body in a content encoding the gateway did not ask for: passed on untouched, its usage unread. */
    static final class Encoded extends UsageTap {
        private final String encoding;

        Encoded(String encoding) {
            this.encoding = encoding;
        }

        @Override
        void feed(Buffer chunk) {
            // passed on as it is; nothing here is read
        }

        @Override
        void finish() {
            usage.unreadable("the body is " + encoding + "-encoded (content-encoding), which the gateway does not read");
        }
    }

    /** A body read line by line as it passes, whatever the chunks' boundaries. */
    abstract static class ByLines extends UsageTap {
        private final ByteArrayOutputStream line;

        ByLines(int capacity) {
            line = new ByteArrayOutputStream(capacity);
        }

        /** One complete line, without its newline. */
        abstract void endLine(byte[] bytes);

        @Override
        final void feed(Buffer chunk) {
            byte[] b = chunk.getBytes();
            int start = 0;
            for (int i = 0; i < b.length; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i - start);
                    takeLine();
                    start = i + 1;
                }
            }
            line.write(b, start, b.length - start);
        }

        /** The last line, when the body ends without a newline. */
        final void flushLine() {
            if (line.size() > 0) takeLine();
        }

        private void takeLine() {
            byte[] bytes = line.toByteArray();
            line.reset();
            endLine(bytes);
        }
    }

    /** A stream whose bytes pass at once until its final usage event (then the rest waits for the record). */
    interface Streamed {
        boolean usageFinal();
    }

    /**
     * A body kept as it passes (up to a cap) and read once complete. A body in one chunk (the usual
     * case) is read from that chunk, not copied. One over the cap, empty or not JSON is said, not read.
     */
    abstract static class Whole extends UsageTap {
        private final long cap;
        private Buffer copy;
        /** Whether {@code copy} is this tap's own buffer rather than the first chunk. */
        private boolean owned;
        private boolean overflow;
        private boolean finished;

        Whole(long cap) {
            this.cap = cap;
        }

        @Override
        void feed(Buffer chunk) {
            if (overflow) return;
            long had = copy == null ? 0 : copy.length();
            if (had + (long) chunk.length() > cap) {
                overflow = true;
                copy = null;
                return;
            }
            if (copy == null) { // the first chunk is kept as it is: it goes to the client too, so it is never appended to
                copy = chunk;
                return;
            }
            if (!owned) {
                copy = Buffer.buffer().appendBuffer(copy);
                owned = true;
            }
            copy.appendBuffer(chunk);
        }

        @Override
        final void finish() {
            if (finished) return; // once: the exchange may ask twice
            finished = true;
            if (overflow) {
                usage.unreadable("the body is over the " + (cap >> 20) + " MiB the gateway reads");
            } else if (copy == null || copy.length() == 0) {
                usage.unreadable("the body is empty");
            } else {
                try {
                    read(copy.getBytes());
                } catch (Exception malformed) { // a truncated body, an error page: said, never taken for an answer without usage
                    usage.unreadable("the body is not JSON: " + reason(malformed));
                }
            }
            copy = null;
        }

        /** Reads the complete body's usage. */
        abstract void read(byte[] body) throws java.io.IOException;
    }

    /**
     * A JSON message body: its metered fields are found by a byte scan ({@link MessageScan}), with
     * Jackson's streaming parse when the scan cannot vouch for the body.
     */
    static final class Json extends Whole {
        Json(long cap) {
            super(cap);
        }

        @Override
        void read(byte[] bytes) throws java.io.IOException {
            if (UsageScan.applyMessage(usage, bytes, 0, bytes.length)) return;
            JsonNode m = MessageScan.metered(bytes, 0, bytes.length);
            if (m == null) m = metered(bytes);
            if (m == null) usage.unreadable("the body is not a JSON object");
            else usage.applyMessage(m);
        }

        /**
         * The message's model, id and usage, streamed: the content (the bulk of a body) is skipped
         * unparsed instead of built into a tree only to be dropped.
         */
        private static JsonNode metered(byte[] body) throws java.io.IOException {
            try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(body)) {
                if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return null;
                com.fasterxml.jackson.databind.node.ObjectNode kept = JSON.createObjectNode();
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals("model") || name.equals("id") || name.equals("usage")) kept.set(name, p.readValueAsTree());
                    else p.skipChildren();
                }
                return kept;
            }
        }
    }
}
