package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;

/**
 * Reads usage from a response while its bytes pass to the client: it sees every chunk, keeps only
 * what it needs, and never holds the stream back.
 *
 * <p>For SSE see {@link SseTap}. For a JSON body it keeps a copy (up to a cap) and parses it at the end.
 */
abstract class UsageTap {
    static final ObjectMapper JSON = new ObjectMapper();

    final MessageUsage usage = new MessageUsage();

    abstract void feed(Buffer chunk);

    /** The response ended (or broke off): parse what is complete. */
    abstract void finish();

    static UsageTap forContentType(String contentType) {
        if (contentType != null && contentType.toLowerCase().startsWith("text/event-stream")) return new SseTap();
        return new Json(32L << 20);
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
     * A JSON message body, kept as it passes and read once complete. A body in one chunk (the usual
     * case) is read from that chunk, not copied; its metered fields are found by a byte scan
     * ({@link MessageScan}), with Jackson's streaming parse when the scan cannot vouch for the body.
     */
    static final class Json extends UsageTap {
        private final long cap;
        private Buffer copy;
        /** Whether {@code copy} is this tap's own buffer rather than the first chunk. */
        private boolean owned;
        private boolean overflow;

        Json(long cap) {
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
        void finish() {
            if (overflow || copy == null || copy.length() == 0) return;
            try {
                byte[] bytes = copy.getBytes();
                if (!UsageScan.applyMessage(usage, bytes, 0, bytes.length)) {
                    JsonNode m = MessageScan.metered(bytes, 0, bytes.length);
                    usage.applyMessage(m != null ? m : metered(bytes));
                }
            } catch (Exception malformed) {
                // not a message (an error page, a truncated body): nothing to meter
            }
            copy = null;
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
