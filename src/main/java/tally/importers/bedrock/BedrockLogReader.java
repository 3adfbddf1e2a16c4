package tally.importers.bedrock;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.importers.LineReader;
import tally.importers.Skips;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Finds model invocation log records in one file, whatever way they were delivered:
 * <ul>
 *   <li>S3: JSON Lines, one record a line, usually gzipped ({@code .json.gz});</li>
 *   <li>CloudWatch Logs: each log event wraps the record as a JSON string in {@code message} — one event
 *       a line, a {@code filter-log-events} / {@code get-log-events} document ({@code events[]}), a
 *       subscription payload ({@code logEvents[]}), or an S3 export task's {@code <timestamp> <json>} lines.</li>
 * </ul>
 * Gzip is recognised by its magic bytes, not the name.
 */
final class BedrockLogReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where CloudWatch Logs puts its events: filter-log-events / get-log-events, and subscription payloads. */
    private static final List<String> EVENT_LISTS = List.of("events", "logEvents");

    interface RecordSink {
        /** One record (the {@code ModelInvocationLog} object), with the line it came from and the wrapper's time. */
        void accept(JsonNode record, long line, Long wrapperTimeMs);
    }

    private BedrockLogReader() {}

    /** Returns the number of lines read; unreadable ones go to skips. */
    static long read(Path file, String name, Skips skips, RecordSink sink) throws IOException {
        return read(Files.newInputStream(file), name, skips, sink);
    }

    /** The same from a stream (an S3 object's body), closed when done; gzip still found by its magic bytes. */
    static long read(InputStream body, String name, Skips skips, RecordSink sink) throws IOException {
        try (InputStream in = open(body)) {
            in.mark(64);
            byte[] head = in.readNBytes(64);
            in.reset();
            String start = new String(head, StandardCharsets.UTF_8).stripLeading();
            if (start.startsWith("[") || start.startsWith("{\n") || start.startsWith("{\r") || start.equals("{")) {
                return readDocument(in, name, skips, sink);
            }
            LineReader lines = new LineReader(in, 0);
            long n = 0;
            while (lines.next()) {
                n++;
                if (lines.lineLength() == 0) continue;
                String text = new String(lines.buffer(), lines.lineStart(), lines.lineLength(), StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) continue;
                int brace = text.indexOf('{');
                if (brace > 0) text = text.substring(brace); // an export task's "<timestamp> <json>"
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (IOException e) {
                    skips.add(name, n, lines.terminated() ? "not valid JSON" : "truncated last line");
                    continue;
                }
                visit(node, name, n, null, skips, sink);
            }
            return n;
        }
    }

    private static InputStream open(InputStream body) throws IOException {
        InputStream raw = new BufferedInputStream(body, 1 << 16);
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
        InputStream text = new BufferedInputStream(in, 1 << 16);
        skipByteOrderMark(text);
        return text;
    }

    /** A UTF-8 byte order mark (Windows tools write one) is no part of the text: dropped before the file's shape is judged. */
    private static void skipByteOrderMark(InputStream in) throws IOException {
        in.mark(3);
        byte[] head = in.readNBytes(3);
        boolean bom = head.length == 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf;
        if (!bom) in.reset();
    }

    /**
     * A pretty-printed document, read one event at a time: when it is cut short or turns invalid, the
     * whole events before stay read, and the parser's line of the fault is named.
     */
    private static long readDocument(InputStream in, String name, Skips skips, RecordSink sink) throws IOException {
        try (JsonParser p = JSON.getFactory().createParser(in)) {
            try {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == JsonToken.START_ARRAY) readElements(p, name, skips, sink);
                    else if (t == JsonToken.START_OBJECT) readObject(p, name, skips, sink);
                    else skips.add(name, line(p), "not a JSON object");
                }
                return p.currentLocation().getLineNr();
            } catch (JsonProcessingException e) {
                long line = e.getLocation() != null ? e.getLocation().getLineNr() : p.currentLocation().getLineNr();
                skips.add(name, line, "not valid JSON: " + firstLine(e.getOriginalMessage()));
                return line;
            }
        }
    }

    /** The values of the array the parser is at, each visited as soon as it is read. */
    private static void readElements(JsonParser p, String name, Skips skips, RecordSink sink) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            long line = line(p);
            visit(p.readValueAsTree(), name, line, null, skips, sink);
        }
    }

    /**
     * The object the parser is at: the events of a {@code filter-log-events} document or a subscription
     * payload are visited one by one as they are read; any other object (a record, one event) whole.
     */
    private static void readObject(JsonParser p, String name, Skips skips, RecordSink sink) throws IOException {
        long line = line(p);
        ObjectNode rest = JSON.createObjectNode();
        boolean events = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() == JsonToken.START_ARRAY && !events && EVENT_LISTS.contains(field)) {
                readElements(p, name, skips, sink);
                events = true;
            } else {
                rest.set(field, p.readValueAsTree());
            }
        }
        if (!events) visit(rest, name, line, null, skips, sink);
    }

    private static long line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    /** One CloudWatch Logs event (its message and time), as FilterLogEvents returns it. */
    static void event(String message, Long timestampMs, String name, long line, Skips skips, RecordSink sink) {
        try {
            visit(JSON.readTree(message), name, line, timestampMs, skips, sink);
        } catch (IOException e) {
            skips.add(name, line, "log event message is not JSON");
        }
    }

    private static void visit(JsonNode node, String name, long line, Long timeMs, Skips skips, RecordSink sink) {
        if (node == null || !node.isObject()) {
            skips.add(name, line, "not a JSON object");
            return;
        }
        if (node.has("schemaType") || node.has("modelId")) {
            sink.accept(node, line, timeMs);
            return;
        }
        for (String list : EVENT_LISTS) {
            if (node.get(list) != null && node.get(list).isArray()) {
                for (JsonNode e : node.get(list)) visit(e, name, line, null, skips, sink);
                return;
            }
        }
        JsonNode message = node.get("message");
        if (message != null) {
            Long ts = node.path("timestamp").isNumber() ? node.get("timestamp").asLong() : null;
            if (message.isObject()) {
                visit(message, name, line, ts, skips, sink);
                return;
            }
            if (message.isTextual()) {
                try {
                    visit(JSON.readTree(message.asText()), name, line, ts, skips, sink);
                } catch (IOException e) {
                    skips.add(name, line, "log event message is not JSON");
                }
                return;
            }
        }
        skips.add(name, line, "not a model invocation log record");
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
