package tally.gateway;

import java.nio.charset.StandardCharsets;

/**
 * A message's id, model and usage read from its JSON bytes into {@link MessageUsage} without a
 * Jackson tree: the gateway reads one per response, and the tree was the largest allocation left on
 * its event loops. It reads only what it can vouch Jackson reads the same: in the usage object,
 * every value a whole number of at most 18 digits, null, true, false, an ASCII string without
 * escapes, or an object of those. Anything else (a fraction, an exponent, an escape, an array,
 * other text, a usage that is not an object) returns false with nothing applied, and the caller
 * reads the bytes with Jackson, which names what is wrong.
 */
final class UsageScan {
    private UsageScan() {}

    /** A usage object's counts as read; null where absent or null (what was known stays). */
    record Read(Long input, Long cacheCreation, Long cacheRead, Long output, Long write5m, Long write1h, Long webSearches,
                Boolean fast, String inferenceGeo) {}

    private static final byte[][] MESSAGE = names("id", "model", "usage");
    private static final byte[][] USAGE = names("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
            "output_tokens", "cache_creation", "server_tool_use", "speed", "inference_geo");
    private static final byte[][] CACHE_CREATION = names("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens");
    private static final byte[][] SERVER_TOOL_USE = names("web_search_requests");
    private static final byte[] FAST = "\"fast\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] WORDS = names("null", "true", "false");
    private static final byte[][] NONE = {};
    private static final int[] NOWHERE = {};
    /** A key or value of the usage object: plain, objects one level deep at most. */
    private static final MessageScan.Vouch PLAIN = UsageScan::plain;
    /** A key or value inside one of its objects: plain, no object. */
    private static final MessageScan.Vouch FLAT = UsageScan::flat;

    /** As {@link MessageUsage#applyMessage} on the object in {@code b[from, to)}; false, nothing applied, where unsure. */
    static boolean applyMessage(MessageUsage u, byte[] b, int from, int to) {
        int[] at = new int[6];
        if (!MessageScan.fields(b, from, to, MESSAGE, at)) return false;
        if (!textOrWord(b, at[0], at[1]) || !textOrWord(b, at[2], at[3])) return false;
        Read usage = null;
        if (at[4] >= 0) {
            if (b[at[4]] != '{') return false;
            usage = read(b, at[4], at[5]);
            if (usage == null) return false;
        }
        u.applyMessage(text(b, at[0], at[1]), text(b, at[2], at[3]), usage);
        return true;
    }

    /** As {@link MessageUsage#apply} on the value in {@code b[from, to)}; false, nothing applied, where unsure. */
    static boolean applyUsage(MessageUsage u, byte[] b, int from, int to) {
        if (b[from] != '{') return false;
        Read r = read(b, from, to);
        if (r == null) return false;
        u.apply(r);
        return true;
    }

    /** The usage object at {@code b[from, to)}, or null where unsure (a count that is a string or a boolean included). */
    private static Read read(byte[] b, int from, int to) {
        int[] at = new int[2 * USAGE.length];
        if (!MessageScan.fields(b, from, to, USAGE, at, PLAIN)) return null; // one walk: found and vouched for
        for (int k = 0; k < 8; k += 2) if (!countable(b, at[k])) return null;
        Long write5m = null;
        Long write1h = null;
        if (at[8] >= 0 && b[at[8]] == '{') {
            int[] cc = new int[4];
            if (!MessageScan.fields(b, at[8], at[9], CACHE_CREATION, cc) || !countable(b, cc[0]) || !countable(b, cc[2])) return null;
            write5m = number(b, cc[0], cc[1]);
            write1h = number(b, cc[2], cc[3]);
        }
        Long searches = null;
        if (at[10] >= 0 && b[at[10]] == '{') {
            int[] stu = new int[2];
            if (!MessageScan.fields(b, at[10], at[11], SERVER_TOOL_USE, stu) || !countable(b, stu[0])) return null;
            searches = number(b, stu[0], stu[1]);
        }
        Boolean fast = at[12] >= 0 && b[at[12]] == '"' ? (Boolean) MessageScan.is(b, at[12], at[13], FAST) : null;
        return new Read(number(b, at[0], at[1]), number(b, at[2], at[3]), number(b, at[4], at[5]), number(b, at[6], at[7]),
                write5m, write1h, searches, fast, text(b, at[14], at[15]));
    }

    private static boolean plain(byte[] b, int from, int to) {
        return b[from] == '{' ? MessageScan.fields(b, from, to, NONE, NOWHERE, FLAT) : flat(b, from, to);
    }

    private static boolean flat(byte[] b, int from, int to) {
        return b[from] == '"' ? plainString(b, from, to) : literal(b, from, to);
    }

    /** A string of printable ASCII without escapes, quotes included in {@code [from, to)}. */
    private static boolean plainString(byte[] b, int from, int to) {
        for (int j = from + 1; j < to - 1; j++) if (b[j] < 0x20 || b[j] == '\\' || b[j] == 0x7f) return false; // bytes past 0x7f are negative
        return true;
    }

    /** null, true, false, or a whole number JSON allows ({@code -?(0|[1-9][0-9]*)}) of at most 18 digits. */
    private static boolean literal(byte[] b, int from, int to) {
        for (byte[] word : WORDS) if (MessageScan.is(b, from, to, word)) return true;
        int i = b[from] == '-' ? from + 1 : from;
        int digits = to - i;
        if (digits < 1 || digits > 18 || (b[i] == '0' && digits > 1)) return false;
        for (int j = i; j < to; j++) if (b[j] < '0' || b[j] > '9') return false;
        return true;
    }

    /** Whether a count's value (vouched plain) is absent, null or a number: a string or a boolean is Jackson's to name. */
    private static boolean countable(byte[] b, int at) {
        return at < 0 || b[at] == 'n' || b[at] == '-' || (b[at] >= '0' && b[at] <= '9');
    }

    /** The whole number at {@code [from, to)} (vouched a literal), or null when absent or null. */
    private static Long number(byte[] b, int from, int to) {
        if (from < 0 || b[from] == 'n') return null;
        boolean negative = b[from] == '-';
        long v = 0;
        for (int j = negative ? from + 1 : from; j < to; j++) v = v * 10 + (b[j] - '0'); // at most 18 digits: no overflow
        return negative ? -v : v;
    }

    /**
     * Whether an id's or model's value is read the same here: absent, a string without escapes or
     * control bytes (other text kept, as MessageScan does), or a literal that is not text.
     */
    private static boolean textOrWord(byte[] b, int from, int to) {
        if (from < 0 || b[from] != '"') return from < 0 || literal(b, from, to);
        for (int j = from + 1; j < to - 1; j++) if (b[j] == '\\' || (b[j] & 0xff) < 0x20) return false;
        return true;
    }

    /** The text of a value {@link #textOrWord} vouched for, or null when absent or not a string. */
    private static String text(byte[] b, int from, int to) {
        return from < 0 || b[from] != '"' ? null : new String(b, from + 1, to - from - 2, StandardCharsets.UTF_8);
    }

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) out[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        return out;
    }
}
