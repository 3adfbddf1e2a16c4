package tally.importers.claudecode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import tally.core.Bounds;
import tally.core.IsoInstant;
import tally.core.TokenCounts;
import tally.importers.JsonErrors;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads one transcript line, pulling only the usage fields: with {@link TranscriptLineScanner} where
 * the line is in the form Claude Code writes, else with Jackson's streaming parser. The
 * line format is internal to Claude Code and changes between versions, so unknown fields are
 * skipped and the rules are those of ccusage (formats §4.3):
 * <ul>
 *   <li>a line without {@code message.usage} is not a usage line ({@link Result#NOT_USAGE});</li>
 *   <li>{@code isApiErrorMessage:true} or model {@code <synthetic>} are {@link Result#IGNORED}: written
 *       by Claude Code, never billed;</li>
 *   <li>a {@code null} field is read as absent (ccusage drops the line): a session or project from the
 *       file's path, no cache counts, no id to fold on; a null timestamp or model is {@link Malformed};</li>
 *   <li>anything unreadable is {@link Malformed}, with a reason.</li>
 * </ul>
 */
final class TranscriptLineParser {
    private static final JsonFactory JSON = new JsonFactory();

    /** Not an exception path for the common cases: a sentinel result. */
    public enum Result { NOT_USAGE, IGNORED }

    public static final class Malformed extends Exception {
        public Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    private final TranscriptLineScanner scanner = new TranscriptLineScanner();
    private final Fields fields = new Fields();
    /** A time no later than now: a line's time before it plus a day needs no clock read to be accepted. */
    private final Instant started = Instant.now();

    /** One per thread: it keeps the texts of the line before, to share them with the next. */
    TranscriptLineParser() {}

    /** A {@link TranscriptLine}, or a {@link Result}. */
    Object parse(byte[] buf, int off, int len) throws Malformed {
        Fields f = fields;
        f.clear();
        if (scanner.scan(buf, off, len, f)) {
            f.plain = true;
        } else {
            f.clear();
            jackson(buf, off, len, f);
        }
        return line(f, started);
    }

    /** The whole line through Jackson's streaming parser: what the scanner does not take on, and its errors. */
    static void jackson(byte[] buf, int off, int len, Fields f) throws Malformed {
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new Malformed("not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "timestamp" -> f.timestamp = requiredText(p, t, f, "timestamp");
                    case "sessionId" -> f.sessionId = text(p, t);
                    case "requestId" -> f.requestId = text(p, t);
                    case "cwd" -> f.cwd = text(p, t);
                    case "uuid" -> f.uuid = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "isSidechain" -> f.sidechain = t == JsonToken.VALUE_TRUE;
                    case "isApiErrorMessage" -> f.apiError = t == JsonToken.VALUE_TRUE;
                    case "message" -> {
                        if (t == JsonToken.START_OBJECT) message(p, f);
                        else p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new Malformed(JsonErrors.plain(e));
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = m.indexOf('\n');
            throw new Malformed("not valid JSON: " + (nl < 0 ? m : m.substring(0, nl)));
        }
    }

    /** The fields read, as ccusage's rules take them. */
    static Object line(Fields f) throws Malformed {
        return line(f, Instant.now());
    }

    /** The same, {@code notAfterNow} a time no later than now (the clock is read only for a time after it). */
    static Object line(Fields f, Instant notAfterNow) throws Malformed {
        if (!f.hasUsage) return Result.NOT_USAGE;
        if (f.apiError || "<synthetic>".equals(f.model)) return Result.IGNORED;
        if (f.nullField != null) throw new Malformed(f.nullField + " is null");
        if (f.model == null || f.model.isBlank()) throw new Malformed("usage without message.model");
        if (f.timestamp == null) throw new Malformed("usage without a timestamp");
        if (!f.hasInput || !f.hasOutput) throw new Malformed("usage without " + (f.hasInput ? "output_tokens" : "input_tokens"));
        Instant time;
        try {
            time = IsoInstant.parse(f.timestamp);
        } catch (DateTimeParseException e) {
            throw new Malformed("unreadable timestamp '" + f.timestamp + "'");
        }
        long w5 = f.w5, w1 = f.w1;
        if (!f.hasBreakdown) w5 = f.cacheCreation; // older payloads: one cache-write figure, 5-minute writes
        String negative = negative(f, w5, w1);
        if (negative != null) throw new Malformed(negative);
        TokenCounts tokens = new TokenCounts(f.input, w5, w1, f.cacheRead, f.output);
        String out = Bounds.tokens(tokens);
        if (out == null) out = Bounds.tokens("web_search_requests", f.webSearches);
        if (out == null && Bounds.time(time, notAfterNow) != null) out = Bounds.time(time, Instant.now());
        if (out == null && !f.plain) out = texts(f);
        if (out != null) throw new Malformed(out); // a counted skip with file:line, never stored
        return new TranscriptLine(time, blankToNull(f.sessionId), blankToNull(f.requestId), blankToNull(f.messageId),
                f.messageId == null && f.uuid != null ? f.uuid.toString() : null, f.model, f.stopReason, f.sidechain, tokens, f.webSearches, "fast".equals(f.speed), blankToNull(f.cwd), blankToNull(f.geo), "batch".equals(f.tier));
    }

    /** Why a count below zero is refused, naming the field as the line wrote it; null when none is. */
    private static String negative(Fields f, long w5, long w1) {
        String w5Name = f.hasBreakdown ? "cache_creation.ephemeral_5m_input_tokens" : "cache_creation_input_tokens";
        if (f.input < 0) return Bounds.tokens("usage.input_tokens", f.input);
        if (f.output < 0) return Bounds.tokens("usage.output_tokens", f.output);
        if (f.cacheRead < 0) return Bounds.tokens("usage.cache_read_input_tokens", f.cacheRead);
        if (w5 < 0) return Bounds.tokens("usage." + w5Name, w5);
        if (w1 < 0) return Bounds.tokens("usage.cache_creation.ephemeral_1h_input_tokens", w1);
        return null;
    }

    /**
     * Why a text field is refused (a NUL character or an unpaired surrogate: the scanner's plain strings,
     * ASCII without escapes, never hold either), or null.
     */
    private static String texts(Fields f) {
        String out = Bounds.text("sessionId", f.sessionId);
        if (out == null) out = Bounds.text("requestId", f.requestId);
        if (out == null) out = Bounds.text("message.id", f.messageId);
        if (out == null) out = Bounds.text("message.model", f.model);
        if (out == null) out = Bounds.text("cwd", f.cwd);
        if (out == null && f.uuid != null) out = Bounds.text("uuid", f.uuid.toString());
        if (out == null) out = Bounds.text("usage.inference_geo", f.geo);
        return out;
    }

    private static void message(JsonParser p, Fields f) throws IOException, Malformed {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> f.messageId = text(p, t);
                case "model" -> f.model = requiredText(p, t, f, "message.model");
                case "stop_reason" -> f.stopReason = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "usage" -> {
                    if (t == JsonToken.START_OBJECT) {
                        f.hasUsage = true;
                        usage(p, f);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void usage(JsonParser p, Fields f) throws IOException, Malformed {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "input_tokens" -> {
                    f.input = required(p, t, name);
                    f.hasInput = true;
                }
                case "output_tokens" -> {
                    f.output = required(p, t, name);
                    f.hasOutput = true;
                }
                case "cache_read_input_tokens" -> f.cacheRead = count(p, t, name);
                case "cache_creation_input_tokens" -> f.cacheCreation = count(p, t, name);
                case "speed" -> f.speed = text(p, t);
                case "inference_geo" -> f.geo = optionalText(p, t);
                case "service_tier" -> f.tier = optionalText(p, t);
                case "cache_creation" -> {
                    if (t != JsonToken.START_OBJECT) { p.skipChildren(); continue; }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String n = p.currentName();
                        JsonToken v = p.nextToken();
                        if (n.equals("ephemeral_5m_input_tokens")) { f.w5 = count(p, v, n); f.hasBreakdown = true; }
                        else if (n.equals("ephemeral_1h_input_tokens")) { f.w1 = count(p, v, n); f.hasBreakdown = true; }
                        else p.skipChildren();
                    }
                }
                case "server_tool_use" -> {
                    if (t != JsonToken.START_OBJECT) { p.skipChildren(); continue; }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String n = p.currentName();
                        JsonToken v = p.nextToken();
                        if (n.equals("web_search_requests")) f.webSearches = count(p, v, n);
                        else p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /** A field the line cannot be billed without: null is named as the line's skip (absent is named too). */
    private static String requiredText(JsonParser p, JsonToken t, Fields f, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) f.isNull(name);
        return text(p, t);
    }

    /** A text field; null (or a container) is no value, as if the field were absent. */
    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) return null;
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return p.getText();
    }

    /** input_tokens and output_tokens: whole counts in every usage (formats §1.3), never read as 0 when null. */
    private static long required(JsonParser p, JsonToken t, String name) throws IOException, Malformed {
        if (t == JsonToken.VALUE_NULL) throw new Malformed("usage." + name + " is null");
        return count(p, t, name);
    }

    /** An optional count: null is 0 (cache counts "may be absent or null in older payloads", formats §1.3). */
    private static long count(JsonParser p, JsonToken t, String name) throws IOException, Malformed {
        if (t == JsonToken.VALUE_NULL) return 0;
        if (t == JsonToken.VALUE_NUMBER_INT) return p.getLongValue();
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            String whole = Bounds.tokens("usage." + name, p.getDoubleValue()); // 1.5 or 1e30 is not a count
            if (whole != null) throw new Malformed(whole);
            return (long) p.getDoubleValue();
        }
        throw new Malformed("usage." + name + " is not a number");
    }

    /** A string|null field (formats §1.3): null, or any other type, is no value and drops nothing. */
    private static String optionalText(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) p.skipChildren();
        return t == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** What one line says, reused line after line. */
    static final class Fields {
        CharSequence timestamp, uuid;
        String sessionId, requestId, messageId, model, stopReason, speed, cwd, geo, tier;
        /** The first field the line cannot do without that was written as null (timestamp, message.model), or null. */
        String nullField;
        boolean sidechain, apiError, hasUsage, hasBreakdown, hasInput, hasOutput;
        /** Read by the scanner: every text is plain ASCII without escapes or control characters (so no NUL). */
        boolean plain;
        long input, output, cacheRead, cacheCreation, w5, w1, webSearches;

        void isNull(String field) {
            if (nullField == null) nullField = field;
        }

        void clear() {
            timestamp = uuid = null;
            sessionId = requestId = messageId = model = stopReason = speed = cwd = geo = tier = null;
            nullField = null;
            sidechain = apiError = hasUsage = hasBreakdown = hasInput = hasOutput = plain = false;
            input = output = cacheRead = cacheCreation = w5 = w1 = webSearches = 0;
        }
    }
}
