package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import tally.core.Words;

import java.nio.charset.StandardCharsets;

/**
 * Server-sent events, metered as they pass without a copy per line: a stream is mostly
 * {@code content_block_delta} events, whose lines are stepped over once their first bytes show they
 * are not needed. Only the lines of {@code message_start}, {@code message_delta} and {@code error}
 * events are kept, in arrays reused for the whole stream, and their usage is read by the byte scan
 * ({@link MessageScan}). What the scan cannot vouch for is read as before, a String into Jackson's
 * tree, so every stream is recorded as that reading recorded it; a broken event is skipped, never thrown.
 */
final class SseTap extends UsageTap implements UsageTap.Streamed {
    /** Enough of a line to tell whether it is needed: {@code "event:".length()}. */
    private static final int DECIDE = 6;
    private static final int NONE = 0, OTHER = 1, START = 2, DELTA = 3, ERROR = 4, STOP = 5;
    private static final byte[] EVENT = ascii("event:"), DATA = ascii("data:"), NULL = ascii("null"), NEWLINE = {'\n'};
    private static final byte[][] NAMES = {null, null, ascii("message_start"), ascii("message_delta"), ascii("error"), ascii("message_stop")};
    private static final byte[][] TOP = {ascii("type"), ascii("message"), ascii("usage"), ascii("delta")};
    private static final byte[][] STOP_REASON = {ascii("stop_reason")};

    /** What is done with the rest of the current line. */
    private static final int UNDECIDED = 0, DISCARD = 1, EVENT_LINE = 2, DATA_LINE = 3;

    /** The current line: its first bytes, or all of it when it is short or an {@code event:} line. */
    private byte[] line = new byte[64];
    private int lineLength;
    private int mode = UNDECIDED;
    /** The current event's data lines, joined by newlines; a data line's bytes go straight here. */
    private byte[] data;
    private int dataLength;
    /** Where the current data line's bytes begin in {@code data}. */
    private int lineDataStart;
    private int event = NONE;
    private boolean skipping;
    private boolean usageFinal;
    private final int[] at = new int[2 * TOP.length];
    private final int[] stop = new int[2];

    @Override
    void feed(Buffer chunk) {
        // The chunk's own array when it has one (the usual heap buffer): read in place, not copied.
        io.netty.buffer.ByteBuf buf = chunk instanceof BufferInternal in ? in.getByteBuf() : null;
        if (buf != null && buf.hasArray()) {
            int off = buf.arrayOffset() + buf.readerIndex();
            feed(buf.array(), off, off + buf.readableBytes());
        } else {
            byte[] b = chunk.getBytes();
            feed(b, 0, b.length);
        }
    }

    private void feed(byte[] b, int from, int to) {
        int start = from;
        for (int i = Words.indexOf(b, from, to, (byte) '\n'); i >= 0; i = Words.indexOf(b, start, to, (byte) '\n')) {
            take(b, start, i);
            endLine();
            start = i + 1;
        }
        take(b, start, to);
    }

    /** The bytes {@code [from, to)} of the current line, kept only when the line is needed. */
    private void take(byte[] b, int from, int to) {
        if (from == to) return;
        switch (mode) {
            case DISCARD -> { }
            case DATA_LINE -> appendData(b, from, to);
            case EVENT_LINE -> appendLine(b, from, to);
            default -> {
                int k = Math.min(to - from, DECIDE - lineLength);
                appendLine(b, from, from + k);
                if (lineLength < DECIDE) return;
                decide();
                take(b, from + k, to);
            }
        }
    }

    /** The line's first bytes show what it is: an event name, needed data, or neither. */
    private void decide() {
        if (startsWith(line, lineLength, EVENT)) {
            mode = EVENT_LINE;
        } else if (startsWith(line, lineLength, DATA) && !skipping) {
            mode = DATA_LINE;
            startDataLine();
            appendData(line, line[5] == ' ' ? 6 : 5, lineLength);
        } else {
            mode = DISCARD;
        }
    }

    private void startDataLine() {
        if (dataLength > 0) appendData(NEWLINE, 0, 1);
        lineDataStart = dataLength;
    }

    private void appendLine(byte[] b, int from, int to) {
        if (lineLength + to - from > line.length) line = java.util.Arrays.copyOf(line, Math.max(2 * line.length, lineLength + to - from));
        System.arraycopy(b, from, line, lineLength, to - from);
        lineLength += to - from;
    }

    private void appendData(byte[] b, int from, int to) {
        int need = dataLength + to - from;
        if (data == null) data = new byte[Math.max(1024, need)]; // a message_start's data fits, whatever its chunks
        else if (need > data.length) data = java.util.Arrays.copyOf(data, Math.max(2 * data.length, need));
        System.arraycopy(b, from, data, dataLength, to - from);
        dataLength = need;
    }

    private void endLine() {
        int m = mode;
        int len = lineLength;
        mode = UNDECIDED;
        lineLength = 0;
        if (m == DISCARD) return;
        if (m == DATA_LINE) { // its bytes are in data already; a CR ending the line is not data
            if (dataLength > lineDataStart && data[dataLength - 1] == '\r') dataLength--;
            return;
        }
        if (len > 0 && line[len - 1] == '\r') len--;
        if (len == 0) {
            dispatch();
        } else if (startsWith(line, len, EVENT)) {
            event = eventNamed(line, EVENT.length, len);
            skipping = !(event == START || event == DELTA || event == ERROR);
        } else if (startsWith(line, len, DATA) && !skipping) { // a short one: "data:" alone
            startDataLine();
            int from = len > 5 && line[5] == ' ' ? 6 : 5;
            appendData(line, from, len);
        }
    }

    /** The event an {@code event:} line names, blanks around the name ignored (as String.trim does). */
    private static int eventNamed(byte[] b, int from, int to) {
        while (from < to && (b[from] & 0xff) <= ' ') from++;
        while (to > from && (b[to - 1] & 0xff) <= ' ') to--;
        return kindOf(b, from, to);
    }

    private static int kindOf(byte[] b, int from, int to) {
        for (int k = START; k <= STOP; k++) {
            if (java.util.Arrays.equals(b, from, to, NAMES[k], 0, NAMES[k].length)) return k;
        }
        return OTHER;
    }

    /**
     * Whether the usage is final: the closing {@code message_delta} (it has a stop reason),
     * {@code message_stop} or an {@code error} has passed. What follows is only the stream's end.
     */
    @Override
    public boolean usageFinal() {
        return usageFinal;
    }

    private void dispatch() {
        try {
            if (event == STOP) usageFinal = true;
            if (dataLength == 0) return;
            boolean read;
            try {
                read = scanned();
            } catch (Exception unsure) {
                read = false;
            }
            if (!read) parsed();
        } catch (Exception malformed) {
            // a broken event is the client's problem to see, not ours to crash on; one that carries usage is unread, and said
            if (event == START || event == DELTA) usage.unreadable(new String(NAMES[event], StandardCharsets.US_ASCII)
                    + " event is not JSON: " + reason(malformed));
        } finally {
            event = NONE;
            skipping = false;
            dataLength = 0;
        }
    }

    /** The event read by the byte scan; false (nothing applied) when the scan cannot vouch for it. */
    private boolean scanned() throws java.io.IOException {
        byte[] d = data;
        if (!MessageScan.fields(d, 0, dataLength, TOP, at)) return false;
        int type = event == NONE ? OTHER : event;
        if (at[0] >= 0) { // the data's own type decides, as in the tree: a plain string only
            if (d[at[0]] != '"') return false;
            for (int j = at[0] + 1; j < at[1] - 1; j++) if (d[j] == '\\' || (d[j] & 0xff) < 0x20) return false;
            type = kindOf(d, at[0] + 1, at[1] - 1);
        }
        switch (type) {
            case START -> {
                if (at[2] < 0) return false; // no message: the tree's reading says so
                if (UsageScan.applyMessage(usage, d, at[2], at[3])) return true;
                JsonNode m = MessageScan.metered(d, at[2], at[3]);
                if (m == null) return false;
                usage.applyMessage(m);
                return true;
            }
            case DELTA -> {
                boolean last = false;
                if (at[6] >= 0) {
                    if (d[at[6]] != '{' || !MessageScan.fields(d, at[6], at[7], STOP_REASON, stop)) return false;
                    last = stop[0] >= 0 && !java.util.Arrays.equals(d, stop[0], stop[1], NULL, 0, NULL.length);
                }
                if (at[4] >= 0 && !UsageScan.applyUsage(usage, d, at[4], at[5])) usage.apply(JSON.readTree(d, at[4], at[5] - at[4]));
                if (last) usageFinal = true;
                return true;
            }
            case ERROR -> {
                return false; // rare: read whole, as before
            }
            default -> {
                return true; // ping and future events are not usage
            }
        }
    }

    /** The event read as it always was: its data as a String into Jackson's tree. */
    private void parsed() throws java.io.IOException {
        JsonNode d = JSON.readTree(new String(data, 0, dataLength, StandardCharsets.UTF_8));
        String type = d.path("type").asText(event == START ? "message_start" : event == DELTA ? "message_delta" : event == ERROR ? "error" : "");
        switch (type) {
            case "message_start" -> usage.applyMessage(d.get("message"));
            case "message_delta" -> {
                usage.apply(d.get("usage"));
                if (!d.path("delta").path("stop_reason").isMissingNode() && !d.path("delta").path("stop_reason").isNull()) {
                    usageFinal = true;
                }
            }
            case "error" -> {
                usage.error(d.path("error").path("type").asText(null));
                usageFinal = true;
            }
            default -> { } // ping and future events are not usage
        }
    }

    @Override
    void finish() {
        if (lineLength > 0) endLine(); // the last line, when the body ends without a newline
        dispatch();
    }

    private static boolean startsWith(byte[] b, int len, byte[] prefix) {
        return len >= prefix.length && java.util.Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
