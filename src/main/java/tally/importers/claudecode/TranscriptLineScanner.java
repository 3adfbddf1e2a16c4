package tally.importers.claudecode;

import tally.core.Words;

import java.nio.charset.StandardCharsets;

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

    private static final Name TIMESTAMP = new Name("timestamp");
    private static final Name SESSION_ID = new Name("sessionId");
    private static final Name REQUEST_ID = new Name("requestId");
    private static final Name CWD = new Name("cwd");
    private static final Name UUID = new Name("uuid");
    private static final Name IS_SIDECHAIN = new Name("isSidechain");
    private static final Name IS_API_ERROR = new Name("isApiErrorMessage");
    private static final Name MESSAGE = new Name("message");
    private static final Name ID = new Name("id");
    private static final Name MODEL = new Name("model");
    private static final Name STOP_REASON = new Name("stop_reason");
    private static final Name USAGE = new Name("usage");
    private static final Name INPUT = new Name("input_tokens");
    private static final Name OUTPUT = new Name("output_tokens");
    private static final Name CACHE_READ = new Name("cache_read_input_tokens");
    private static final Name CACHE_CREATION_TOKENS = new Name("cache_creation_input_tokens");
    private static final Name SPEED = new Name("speed");
    private static final Name INFERENCE_GEO = new Name("inference_geo");
    private static final Name SERVICE_TIER = new Name("service_tier");
    private static final Name CACHE_CREATION = new Name("cache_creation");
    private static final Name SERVER_TOOL_USE = new Name("server_tool_use");
    private static final Name EPHEMERAL_5M = new Name("ephemeral_5m_input_tokens");
    private static final Name EPHEMERAL_1H = new Name("ephemeral_1h_input_tokens");
    private static final Name WEB_SEARCHES = new Name("web_search_requests");

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
    private long keyHead; // the key's first eight bytes (fewer for a shorter key, zeros above): most names differ there
    private int depth;
    // the kept texts of the line before, by field: lines of one file repeat them, so they are shared
    private final Text sessionId = new Text();
    private final Text requestId = new Text();
    private final Text cwd = new Text();
    private final Text messageId = new Text();
    private final Text model = new Text();
    private final Text stopReason = new Text();
    private final Text speed = new Text();
    private final Text geo = new Text();
    private final Text tier = new Text();
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
        else if (keyIs(SESSION_ID)) f.sessionId = text(sessionId);
        else if (keyIs(REQUEST_ID)) f.requestId = text(requestId);
        else if (keyIs(CWD)) f.cwd = text(cwd);
        else if (keyIs(UUID)) f.uuid = uuidText();
        else if (keyIs(IS_SIDECHAIN)) f.sidechain = literal() == 't';
        else if (keyIs(IS_API_ERROR)) f.apiError = literal() == 't';
        else if (keyIs(MESSAGE) && at() == '{') message(f);
        else skipValue();
    }

    private void message(TranscriptLineParser.Fields f) throws GiveUp {
        i++;
        if (closes('}')) return;
        do {
            key();
            if (keyIs(ID)) f.messageId = text(messageId);
            else if (keyIs(MODEL)) {
                f.model = text(model);
                if (f.model == null) f.isNull("message.model");
            }
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
            if (keyIs(INPUT)) {
                f.input = required();
                f.hasInput = true;
            } else if (keyIs(OUTPUT)) {
                f.output = required();
                f.hasOutput = true;
            }
            else if (keyIs(CACHE_READ)) f.cacheRead = count();
            else if (keyIs(CACHE_CREATION_TOKENS)) f.cacheCreation = count();
            else if (keyIs(SPEED)) f.speed = text(speed);
            else if (keyIs(INFERENCE_GEO)) f.geo = stringOrNull(geo);
            else if (keyIs(SERVICE_TIER)) f.tier = stringOrNull(tier);
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
                f.w5 = count();
                f.hasBreakdown = true;
            } else if (keyIs(EPHEMERAL_1H)) {
                f.w1 = count();
                f.hasBreakdown = true;
            } else skipValue();
        } while (next('}'));
    }

    private void serverToolUse(TranscriptLineParser.Fields f) throws GiveUp {
        expect('{');
        if (closes('}')) return;
        do {
            key();
            if (keyIs(WEB_SEARCHES)) f.webSearches = count();
            else skipValue();
        } while (next('}'));
    }

    // --- kept values ---

    /** A text field: a string, or null (no value, as if absent); any other type goes to Jackson. */
    private String text(Text last) throws GiveUp {
        if (at() == 'n') {
            literal();
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
            f.isNull("timestamp");
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
        int k = from;
        for (; k + 8 <= end; k += 8) { // the first quote, backslash, control or non-ASCII byte ends it
            long w = Words.at(b, k);
            long m = Words.equalMask(w, (byte) '"') | Words.equalMask(w, (byte) '\\') | Words.belowMask(w, 0x20)
                    | Words.highMask(w);
            if (m != 0) return closePlain(k + Words.first(m), from);
        }
        for (; k < end; k++) {
            byte c = b[k];
            if (c == '"' || c == '\\' || c < 0x20) return closePlain(k, from); // c < 0: UTF-8, Jackson decodes and checks it
        }
        throw GIVE_UP;
    }

    private int closePlain(int stop, int from) throws GiveUp {
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

    /** A count the usage must have: a null one goes to Jackson, which names it as the line's skip. */
    private long required() throws GiveUp {
        if (at() == 'n') throw GIVE_UP;
        return count();
    }

    /** A whole token count, or null (0: optional counts may be null in older payloads). Fractions go to Jackson. */
    private long count() throws GiveUp {
        byte c = at();
        if (c == 'n') {
            literal();
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
        keyHead = head(b, keyStart, keyLength);
        i = stop + 1;
        space();
        expect(':');
        space();
    }

    private boolean keyIs(Name name) {
        return keyHead == name.head && keyLength == name.length && (keyLength <= 8 || name.tailAt(b, keyStart));
    }

    /** Up to the first eight of {@code len} bytes at {@code at} as a little-endian word, zeros above them. */
    private static long head(byte[] buf, int at, int len) {
        int n = Math.min(len, 8);
        if (at + 8 <= buf.length) return n == 8 ? Words.at(buf, at) : Words.at(buf, at) & ((1L << (n << 3)) - 1);
        long w = 0;
        for (int k = n - 1; k >= 0; k--) w = (w << 8) | (buf[at + k] & 0xff);
        return w;
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
        for (; k + 8 <= end; k += 8) {
            long w = Words.at(b, k);
            long m = Words.equalMask(w, (byte) '"') | Words.equalMask(w, (byte) '\\') | Words.belowMask(w, 0x20);
            if (m != 0) {
                k += Words.first(m);
                if (b[k] >= 0x20) return k;
                throw GIVE_UP;
            }
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
        if (i < end && b[i] > ' ') return; // Claude Code writes no white space: one test, small enough to inline
        spaces();
    }

    private void spaces() {
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    /** A field name, with its first eight bytes as {@link #head} makes them of a key, to compare in one step. */
    private static final class Name {
        final byte[] bytes;
        final int length;
        final long head;

        Name(String name) {
            bytes = name.getBytes(StandardCharsets.US_ASCII);
            length = bytes.length;
            head = head(bytes, 0, length);
        }

        /** Whether the bytes after the first eight match, at {@code at} (a key of this length, longer than 8). */
        boolean tailAt(byte[] buf, int at) {
            for (int k = 8; k < length - 8; k += 8) if (Words.at(buf, at + k) != Words.at(bytes, k)) return false;
            return Words.at(buf, at + length - 8) == Words.at(bytes, length - 8); // the last eight, maybe overlapping
        }
    }

    /** The last text read for one field: the same bytes again give the same String, not a new one. */
    private static final class Text {
        private byte[] bytes = new byte[64];
        private int length = -1;
        private String text;

        String of(byte[] buf, int from, int len) {
            if (len == length && same(buf, from)) return text;
            if (len > bytes.length) bytes = new byte[Math.max(len, bytes.length * 2)];
            System.arraycopy(buf, from, bytes, 0, len);
            length = len;
            text = new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            return text;
        }

        /** Whether the {@code length} bytes at {@code from} are the kept ones; eight a step. */
        private boolean same(byte[] buf, int from) {
            int k = 0;
            for (; k + 8 <= length; k += 8) if (Words.at(buf, from + k) != Words.at(bytes, k)) return false;
            for (; k < length; k++) if (buf[from + k] != bytes[k]) return false;
            return true;
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
