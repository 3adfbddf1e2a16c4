package tally.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * The metered fields of a JSON message body (top-level {@code id}, {@code model}, {@code usage}),
 * found by a byte scan: the content, the bulk of a body, is stepped over without being tokenized,
 * and only the small usage object goes to Jackson. Anything unexpected (an escaped id or model, a
 * body that is not one object) returns null and the caller parses the whole body with Jackson.
 */
final class MessageScan {
    private MessageScan() {}

    /** {@code {id, model, usage}} as far as present, or null when the scan cannot vouch for the body. */
    static ObjectNode metered(byte[] b, int from, int to) {
        try {
            return scan(b, from, to);
        } catch (ArrayIndexOutOfBoundsException | java.io.IOException truncated) {
            return null;
        }
    }

    private static ObjectNode scan(byte[] b, int from, int to) throws java.io.IOException {
        int i = ws(b, from, to);
        if (i >= to || b[i] != '{') return null;
        ObjectNode kept = UsageTap.JSON.createObjectNode();
        i = ws(b, i + 1, to);
        if (i < to && b[i] == '}') return ws(b, i + 1, to) == to ? kept : null;
        while (true) {
            if (i >= to || b[i] != '"') return null;
            int keyStart = i + 1;
            int keyEnd = stringEnd(b, i, to);
            i = ws(b, keyEnd + 1, to);
            if (i >= to || b[i] != ':') return null;
            int value = ws(b, i + 1, to);
            int end = valueEnd(b, value, to);
            if (end < 0) return null;
            if (!take(kept, b, keyStart, keyEnd, value, end)) return null;
            i = ws(b, end, to);
            if (i >= to) return null;
            if (b[i] == '}') return ws(b, i + 1, to) == to ? kept : null;
            if (b[i] != ',') return null;
            i = ws(b, i + 1, to);
        }
    }

    /**
     * Where the named top-level fields of the object in {@code b[from, to)} have their values:
     * {@code at[2k]} to {@code at[2k + 1]} for {@code names[k]} (the last one, as in Jackson's tree), -1 when
     * absent. False when the scan cannot vouch for the object (not one object, an escaped name, truncated).
     */
    static boolean fields(byte[] b, int from, int to, byte[][] names, int[] at) {
        return fields(b, from, to, names, at, null);
    }

    /** Vouches for one key or value in {@code b[from, to)} (a string with its quotes). */
    interface Vouch {
        boolean plain(byte[] b, int from, int to);
    }

    /** As {@link #fields(byte[], int, int, byte[][], int[])}, and false unless {@code vouch} vouches for every key and value. */
    static boolean fields(byte[] b, int from, int to, byte[][] names, int[] at, Vouch vouch) {
        java.util.Arrays.fill(at, -1);
        try {
            return findFields(b, from, to, names, at, vouch);
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return false;
        }
    }

    private static boolean findFields(byte[] b, int from, int to, byte[][] names, int[] at, Vouch vouch) {
        int i = ws(b, from, to);
        if (i >= to || b[i] != '{') return false;
        i = ws(b, i + 1, to);
        if (i < to && b[i] == '}') return ws(b, i + 1, to) == to;
        while (true) {
            if (i >= to || b[i] != '"') return false;
            int keyStart = i + 1;
            int keyEnd = stringEnd(b, i, to);
            for (int j = keyStart; j < keyEnd; j++) if (b[j] == '\\') return false; // an escaped name may spell one
            if (vouch != null && !vouch.plain(b, keyStart - 1, keyEnd + 1)) return false;
            i = ws(b, keyEnd + 1, to);
            if (i >= to || b[i] != ':') return false;
            int value = ws(b, i + 1, to);
            int end = valueEnd(b, value, to);
            if (end < 0 || (vouch != null && !vouch.plain(b, value, end))) return false;
            for (int k = 0; k < names.length; k++) {
                if (is(b, keyStart, keyEnd, names[k])) {
                    at[2 * k] = value;
                    at[2 * k + 1] = end;
                }
            }
            i = ws(b, end, to);
            if (i >= to) return false;
            if (b[i] == '}') return ws(b, i + 1, to) == to;
            if (b[i] != ',') return false;
            i = ws(b, i + 1, to);
        }
    }

    /** Keeps the value if its key is one metered (a later copy of a key replaces an earlier one, as Jackson's tree does). */
    private static boolean take(ObjectNode kept, byte[] b, int keyStart, int keyEnd, int value, int end) throws java.io.IOException {
        String key = is(b, keyStart, keyEnd, ID) ? "id" : is(b, keyStart, keyEnd, MODEL) ? "model" : is(b, keyStart, keyEnd, USAGE) ? "usage" : null;
        if (key == null) {
            for (int j = keyStart; j < keyEnd; j++) if (b[j] == '\\') return false; // an escaped name may spell one
            return true;
        }
        if (key.equals("usage")) {
            kept.set(key, UsageTap.JSON.readTree(b, value, end - value)); // small: Jackson reads it exactly as before
            return true;
        }
        if (b[value] != '"') {
            kept.set(key, UsageTap.JSON.readTree(b, value, end - value));
            return true;
        }
        for (int j = value + 1; j < end - 1; j++) {
            if (b[j] == '\\' || (b[j] & 0xff) < 0x20) return false; // escapes and control bytes: Jackson decides
        }
        kept.put(key, new String(b, value + 1, end - value - 2, StandardCharsets.UTF_8));
        return true;
    }

    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODEL = "model".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "usage".getBytes(StandardCharsets.US_ASCII);

    static boolean is(byte[] b, int from, int to, byte[] word) {
        return to - from == word.length && java.util.Arrays.equals(b, from, to, word, 0, word.length);
    }

    /** The index of the quote closing the string opening at {@code at}. */
    static int stringEnd(byte[] b, int at, int to) {
        for (int i = at + 1; ; i++) {
            if (i >= to) throw new ArrayIndexOutOfBoundsException(i);
            byte c = b[i];
            if (c == '"') return i;
            if (c == '\\') i++;
        }
    }

    /** The index just past the value starting at {@code at}; -1 when none starts there. */
    static int valueEnd(byte[] b, int at, int to) {
        if (at >= to) return -1;
        byte c = b[at];
        if (c == '"') return stringEnd(b, at, to) + 1;
        if (c == '{' || c == '[') {
            int depth = 0;
            for (int i = at; i < to; i++) {
                byte x = b[i];
                if (x == '"') i = stringEnd(b, i, to);
                else if (x == '{' || x == '[') depth++;
                else if ((x == '}' || x == ']') && --depth == 0) return i + 1;
            }
            return -1;
        }
        int i = at;
        while (i < to && literal(b[i])) i++;
        return i == at ? -1 : i;
    }

    private static boolean literal(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E';
    }

    static int ws(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
        return i;
    }
}
