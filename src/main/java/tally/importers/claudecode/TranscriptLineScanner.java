package tally.importers.claudecode;

import tally.importers.Words;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link TranscriptLineParser}: reads the few usage fields of a transcript line
 * straight from its bytes, checking the JSON grammar of everything it steps over (eight bytes a step
 * inside strings) but tokenizing nothing it does not keep. A line is mostly content and metadata
 * the import never reads; Jackson's parser spends most of its time naming and decoding that.
 *
 * <p>It answers only for lines in the form Claude Code writes. Anything else (an escape or a
 * non-ASCII byte in a kept value, a fraction where a count belongs, a truncated or invalid line, a
 * field of an unexpected type) makes {@link #scan} return false, and the caller parses the line with
 * Jackson instead: the result and every error message are Jackson's own.
 */
final class TranscriptLineScanner {
    /** Deeper than this, Jackson decides (it has its own nesting limit and error). */
    private static final int MAX_DEPTH = 200;

    private static final byte[] TIMESTAMP = ascii("timestamp");
    private static final byte[] SESSION_ID = ascii("sessionId");
    private static final byte[] REQUEST_ID = ascii("requestId");
    private static final byte[] CWD = ascii("cwd");
    private static final byte[] UUID = ascii("uuid");
    private static final byte[] IS_SIDECHAIN = ascii("isSidechain");
    private static final byte[] IS_API_ERROR = ascii("isApiErrorMessage");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] ID = ascii("id");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] STOP_REASON = ascii("stop_reason");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] INPUT = ascii("input_tokens");
    private static final byte[] OUTPUT = ascii("output_tokens");
    private static final byte[] CACHE_READ = ascii("cache_read_input_tokens");
    private static final byte[] CACHE_CREATION_TOKENS = ascii("cache_creation_input_tokens");
    private static final byte[] SPEED = ascii("speed");
    private static final byte[] CACHE_CREATION = ascii("cache_creation");
    private static final byte[] SERVER_TOOL_USE = ascii("server_tool_use");
    private static final byte[] EPHEMERAL_5M = ascii("ephemeral_5m_input_tokens");
    private static final byte[] EPHEMERAL_1H = ascii("ephemeral_1h_input_tokens");
    private static final byte[] WEB_SEARCHES = ascii("web_search_requests");

    /** Thrown to leave the scan for Jackson; without a stack trace, it costs no more than a return. */
    private static final class GiveUp extends Exception {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    private byte[] b;
    private int i;
    private int end;
    private int keyStart;
    private int keyLength;
    private int depth;
    // the kept texts of the line before, by field: lines of one file repeat them, so they are shared
    private final Text sessionId = new Text();
    private final Text requestId = new Text();
    private final Text cwd = new Text();
    private final Text messageId = new Text();
    private final Text model = new Text();
    private final Text stopReason = new Text();
    private final Text speed = new Text();
    private final AsciiView timestamp = new AsciiView();
    private final AsciiView uuid = new AsciiView();

    /** Fills {@code f} from the line; false when the line must be read by Jackson instead. */
    boolean scan(byte[] buf, int off, int len, TranscriptLineParser.Fields f) {
        b = buf;
        i = off;
        end = off + len;
        depth = 0;
        try {
            space();
            expect('{');
            if (!closes('}')) {
                do {
                    key();
                    topLevel(f);
                } while (next('}'));
            }
            return true;
        } catch (GiveUp e) {
            return false;
        }
    }

    private void topLevel(TranscriptLineParser.Fields f) throws GiveUp {
        if (keyIs(TIMESTAMP)) f.timestamp = timestampText(f);
        else if (keyIs(SESSION_ID)) f.sessionId = text(sessionId, f);
        else if (keyIs(REQUEST_ID)) f.requestId = text(requestId, f);
        else if (keyIs(CWD)) f.cwd = text(cwd, f);
        else if (keyIs(UUID)) f.uuid = uuidText();
        else if (keyIs(IS_SIDECHAIN)) f.sidechain = literal() == 't';
        else if (keyIs(IS_API_ERROR)) {
            byte l = literal();
            if (l == 'n') f.nulled = true;
            f.apiError = l == 't';
        } else if (keyIs(MESSAGE) && at() == '{') message(f);
        else skipValue();
    }

    private void message(TranscriptLineParser.Fields f) throws GiveUp {
        i++;
        if (closes('}')) return;
        do {
            key();
            if (keyIs(ID)) f.messageId = text(messageId, f);
            else if (keyIs(MODEL)) f.model = text(model, f);
            else if (keyIs(STOP_REASON)) f.stopReason = stringOrNull(stopReason);
            else if (keyIs(USAGE) && at() == '{') {
                f.hasUsage = true;
                usage(f);
            } else skipValue();
        } while (next('}'));
    }

    private void usage(TranscriptLineParser.Fields f) throws GiveUp {
        i++;
        if (closes('}')) return;
        do {
            key();
            if (keyIs(INPUT)) f.input = count(f, false);
            else if (keyIs(OUTPUT)) f.output = count(f, false);
            else if (keyIs(CACHE_READ)) f.cacheRead = count(f, true);
            else if (keyIs(CACHE_CREATION_TOKENS)) f.cacheCreation = count(f, true);
            else if (keyIs(SPEED)) f.speed = text(speed, f);
            else if (keyIs(CACHE_CREATION)) cacheCreation(f);
            else if (keyIs(SERVER_TOOL_USE)) serverToolUse(f);
            else skipValue();
        } while (next('}'));
    }

    private void cacheCreation(TranscriptLineParser.Fields f) throws GiveUp {
        expect('{');
        if (closes('}')) return;
        do {
            key();
            if (keyIs(EPHEMERAL_5M)) {
                f.w5 = count(f, false);
                f.hasBreakdown = true;
            } else if (keyIs(EPHEMERAL_1H)) {
                f.w1 = count(f, false);
                f.hasBreakdown = true;
            } else skipValue();
        } while (next('}'));
    }

    private void serverToolUse(TranscriptLineParser.Fields f) throws GiveUp {
        expect('{');
        if (closes('}')) return;
        do {
            key();
            if (keyIs(WEB_SEARCHES)) f.webSearches = count(f, false);
            else skipValue();
        } while (next('}'));
    }

    // --- kept values ---

    /** A text field: a string, or null (which drops the line, as in ccusage); any other type goes to Jackson. */
    private String text(Text last, TranscriptLineParser.Fields f) throws GiveUp {
        if (at() == 'n') {
            literal();
            f.nulled = true;
            return null;
        }
        return string(last);
    }

    /** A string, or null for any other scalar (uuid, stop_reason); a container goes to Jackson. */
    private String stringOrNull(Text last) throws GiveUp {
        byte c = at();
        if (c == '"') return string(last);
        if (c == '{' || c == '[') throw GIVE_UP;
        skipValue();
        return null;
    }

    private CharSequence timestampText(TranscriptLineParser.Fields f) throws GiveUp {
        if (at() == 'n') {
            literal();
            f.nulled = true;
            return null;
        }
        int from = plainString();
        timestamp.of(b, from, i - 1 - from);
        return timestamp;
    }

    /** The line's uuid, left in place: it is made a String only for a record it names (no message id). */
    private CharSequence uuidText() throws GiveUp {
        if (at() != '"') {
            stringOrNull(null);
            return null;
        }
        int from = plainString();
        uuid.of(b, from, i - 1 - from);
        return uuid;
    }

    /** The string at the cursor, the same String object as last time when its bytes are the same. */
    private String string(Text last) throws GiveUp {
        int from = plainString();
        return last.of(b, from, i - 1 - from);
    }

    /** Steps over a string with no escape and only ASCII; returns where its text starts. */
    private int plainString() throws GiveUp {
        if (at() != '"') throw GIVE_UP;
        int from = ++i;
        int stop = stringEnd();
        for (int k = from; k < stop; k++) if (b[k] < 0) throw GIVE_UP; // UTF-8: Jackson decodes and checks it
        if (b[stop] != '"') throw GIVE_UP;
        i = stop + 1;
        return from;
    }

    /** A boolean or null; the first letter of the literal. Anything else goes to Jackson. */
    private byte literal() throws GiveUp {
        byte c = at();
        if (c != 't' && c != 'f' && c != 'n') throw GIVE_UP;
        skipLiteral();
        return c;
    }

    /** A whole token count, or null (0; with {@code nullDrops} the line is dropped). Fractions go to Jackson. */
    private long count(TranscriptLineParser.Fields f, boolean nullDrops) throws GiveUp {
        byte c = at();
        if (c == 'n') {
            literal();
            if (nullDrops) f.nulled = true;
            return 0;
        }
        boolean negative = c == '-';
        int from = negative ? i + 1 : i;
        int k = from;
        long v = 0;
        while (k < end && b[k] >= '0' && b[k] <= '9') v = v * 10 + (b[k++] - '0');
        int digits = k - from;
        if (digits == 0 || digits > 18 || (digits > 1 && b[from] == '0')) throw GIVE_UP;
        if (k < end && (b[k] == '.' || b[k] == 'e' || b[k] == 'E')) throw GIVE_UP;
        i = k;
        return negative ? -v : v;
    }

    // --- the grammar of what is stepped over ---

    private void key() throws GiveUp {
        space();
        if (at() != '"') throw GIVE_UP;
        keyStart = ++i;
        int stop = stringEnd();
        if (b[stop] != '"') throw GIVE_UP; // an escaped name: Jackson
        keyLength = stop - keyStart;
        i = stop + 1;
        space();
        expect(':');
        space();
    }

    private boolean keyIs(byte[] name) {
        return keyLength == name.length && Arrays.equals(b, keyStart, keyStart + keyLength, name, 0, name.length);
    }

    private void skipValue() throws GiveUp {
        switch (at()) {
            case '"' -> skipString();
            case '{' -> skipObject();
            case '[' -> skipArray();
            case 't', 'f', 'n' -> skipLiteral();
            default -> skipNumber();
        }
    }

    private void skipObject() throws GiveUp {
        if (++depth > MAX_DEPTH) throw GIVE_UP;
        i++;
        if (!closes('}')) {
            do {
                key();
                skipValue();
            } while (next('}'));
        }
        depth--;
    }

    private void skipArray() throws GiveUp {
        if (++depth > MAX_DEPTH) throw GIVE_UP;
        i++;
        if (!closes(']')) {
            do {
                space();
                skipValue();
            } while (next(']'));
        }
        depth--;
    }

    /** Steps over a string, checking its escapes. */
    private void skipString() throws GiveUp {
        i++;
        while (true) {
            int stop = stringEnd();
            if (b[stop] == '"') {
                i = stop + 1;
                return;
            }
            i = escape(stop);
        }
    }

    /** Checks the escape at {@code at} (a backslash); returns the index after it. */
    private int escape(int at) throws GiveUp {
        if (at + 1 >= end) throw GIVE_UP;
        byte c = b[at + 1];
        if (c == 'u') {
            if (at + 6 > end) throw GIVE_UP;
            for (int k = at + 2; k < at + 6; k++) if (Character.digit(b[k], 16) < 0) throw GIVE_UP;
            return at + 6;
        }
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') return at + 2;
        throw GIVE_UP;
    }

    /**
     * From the cursor (inside a string), the index of the first quote or backslash; a control byte
     * (invalid in a JSON string) or the end of the line goes to Jackson.
     */
    private int stringEnd() throws GiveUp {
        int k = i;
        while (k + 8 <= end) {
            long w = Words.at(b, k);
            if (Words.has(w, (byte) '"') || Words.has(w, (byte) '\\') || Words.below(w, 0x20)) break;
            k += 8;
        }
        for (; k < end; k++) {
            byte c = b[k];
            if (c == '"' || c == '\\') return k;
            if (c >= 0 && c < 0x20) throw GIVE_UP;
        }
        throw GIVE_UP;
    }

    private void skipLiteral() throws GiveUp {
        byte c = at();
        int n = c == 'f' ? 5 : 4;
        if (i + n > end) throw GIVE_UP;
        boolean ok = switch (c) {
            case 't' -> b[i + 1] == 'r' && b[i + 2] == 'u' && b[i + 3] == 'e';
            case 'f' -> b[i + 1] == 'a' && b[i + 2] == 'l' && b[i + 3] == 's' && b[i + 4] == 'e';
            default -> b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l';
        };
        if (!ok) throw GIVE_UP;
        i += n;
        if (i < end && Character.isLetterOrDigit(b[i])) throw GIVE_UP; // "nullx"
    }

    /** JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void skipNumber() throws GiveUp {
        int k = i;
        if (k < end && b[k] == '-') k++;
        int first = k;
        k = digits(k);
        if (k == first || (k - first > 1 && b[first] == '0')) throw GIVE_UP;
        if (k < end && b[k] == '.') {
            int f = ++k;
            k = digits(k);
            if (k == f) throw GIVE_UP;
        }
        if (k < end && (b[k] == 'e' || b[k] == 'E')) {
            k++;
            if (k < end && (b[k] == '+' || b[k] == '-')) k++;
            int e = k;
            k = digits(k);
            if (k == e) throw GIVE_UP;
        }
        if (k - i > 1000) throw GIVE_UP; // Jackson's limit on a number's length
        i = k;
    }

    private int digits(int k) {
        while (k < end && b[k] >= '0' && b[k] <= '9') k++;
        return k;
    }

    // --- cursor ---

    private byte at() throws GiveUp {
        if (i >= end) throw GIVE_UP;
        return b[i];
    }

    private void expect(char c) throws GiveUp {
        if (at() != c) throw GIVE_UP;
        i++;
    }

    /** After an opening bracket: whether the container closes at once (and steps past it). */
    private boolean closes(char close) throws GiveUp {
        space();
        if (at() != close) return false;
        i++;
        return true;
    }

    /** After a member: true for a comma (another follows), false at the closing bracket. */
    private boolean next(char close) throws GiveUp {
        space();
        byte c = at();
        i++;
        if (c == ',') return true;
        if (c == close) return false;
        throw GIVE_UP;
    }

    private void space() {
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The last text read for one field: the same bytes again give the same String, not a new one. */
    private static final class Text {
        private byte[] bytes = new byte[64];
        private int length = -1;
        private String text;

        String of(byte[] buf, int from, int len) {
            if (len == length && Arrays.equals(buf, from, from + len, bytes, 0, len)) return text;
            if (len > bytes.length) bytes = new byte[Math.max(len, bytes.length * 2)];
            System.arraycopy(buf, from, bytes, 0, len);
            length = len;
            text = new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            return text;
        }
    }

    /** ASCII bytes seen as characters without copying them (read before the next line, or not at all). */
    private static final class AsciiView implements CharSequence {
        private byte[] buf;
        private int from;
        private int len;

        void of(byte[] buf, int from, int len) {
            this.buf = buf;
            this.from = from;
            this.len = len;
        }

        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int index) {
            return (char) buf[from + index];
        }

        @Override
        public CharSequence subSequence(int start, int stop) {
            return toString().subSequence(start, stop);
        }

        @Override
        public String toString() {
            return new String(buf, from, len, StandardCharsets.ISO_8859_1);
        }
    }
}
