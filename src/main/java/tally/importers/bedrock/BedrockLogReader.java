package tally.importers.bedrock;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.importers.LineReader;
import tally.importers.JsonErrors;
import tally.importers.Skips;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds model invocation log records in one file, whatever way they were delivered:
 * <ul>
 *   <li>S3: JSON Lines, one record a line, usually gzipped ({@code .json.gz});</li>
 *   <li>CloudWatch Logs: each log event wraps the record as a JSON string in {@code message} — one event
 *       a line, a {@code filter-log-events} / {@code get-log-events} document ({@code events[]}), a
 *       subscription payload ({@code logEvents[]}), or an S3 export task's {@code <timestamp> <json>} lines.</li>
 * </ul>
 * Gzip is recognised by its magic bytes, not the name ({@link LogText}).
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

    /** What reading one file came to: its lines, and whether its bytes could be read to their end. */
    record Read(long lines, boolean whole) {}

    /** Reads one file: unreadable lines go to skips, and so does the line where its bytes broke off, if they do. */
    static Read read(Path file, String name, Skips skips, RecordSink sink) throws IOException {
        return read(Files.newInputStream(file), name, skips, sink);
    }

    /** The same from a stream (an S3 object's body), closed when done; gzip still found by its magic bytes. */
    static Read read(InputStream body, String name, Skips skips, RecordSink sink) throws IOException {
        try (InputStream raw = new BufferedInputStream(body, 1 << 16)) {
            boolean gzip = LogText.isGzip(raw);
            try (InputStream in = LogText.open(raw, gzip)) {
                return new Read(readText(in, name, skips, sink), true);
            } catch (LogText.Broken b) {
                skips.add(name, b.line, b.why(gzip));
                return new Read(b.line - 1, false);
            }
        }
    }

    /** The text as a pretty-printed document or as lines, by how it starts. */
    private static long readText(InputStream in, String name, Skips skips, RecordSink sink) throws IOException, LogText.Broken {
        String start;
        try {
            in.mark(64);
            start = new String(in.readNBytes(64), StandardCharsets.UTF_8).stripLeading();
            in.reset();
        } catch (IOException e) {
            throw new LogText.Broken(1, e);
        }
        if (start.startsWith("[") || start.startsWith("{\n") || start.startsWith("{\r") || start.equals("{")) {
            return readDocument(in, name, skips, sink);
        }
        return readLines(in, name, skips, sink);
    }

    /** One record (or event) a line. */
    private static long readLines(InputStream in, String name, Skips skips, RecordSink sink) throws LogText.Broken {
        LineReader lines = new LineReader(in, 0);
        long n = 0;
        while (next(lines, n)) {
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

    private static boolean next(LineReader lines, long read) throws LogText.Broken {
        try {
            return lines.next();
        } catch (IOException e) {
            throw new LogText.Broken(read + 1, e); // a half line before the break is never handed on
        }
    }

    /**
     * A pretty-printed document, read one event at a time: when it is cut short or turns invalid, the
     * whole events before stay read, and the parser's line of the fault is named.
     */
    private static long readDocument(InputStream in, String name, Skips skips, RecordSink sink) throws IOException, LogText.Broken {
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
                skips.add(name, line, JsonErrors.plain(e));
                return line;
            } catch (IOException e) {
                throw new LogText.Broken(p.currentLocation().getLineNr(), e);
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
}
