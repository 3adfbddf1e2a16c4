package tally.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import tally.report.ReportRange;
import tally.store.Ledger;
import tally.store.PruneResult;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Data retention: drops raw records older than a window, keeping the rollups every report reads.
 * The cut falls on a UTC midnight, so a day is either wholly raw or wholly pruned.
 */
public final class Pruning {
    /** The shortest window: today and yesterday always keep their raw records. */
    public static final Duration MIN_WINDOW = Duration.ofDays(1);
    /** The longest window: the longest range a report answers (about ten years); longer cut before year 0. */
    public static final Duration MAX_WINDOW = Duration.ofDays(ReportRange.MAX_DAYS);

    private static final Pattern COMPACT = Pattern.compile("(\\d{1,18})([smhd])");

    /** {@code olderThan} as JSON: "90d" (as on the command line) or ISO-8601 "P90D" ({@link Window}). */
    public record Request(Duration olderThan, boolean dryRun) {}

    private final Ledger ledger;
    private final Clock clock;

    Pruning(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    public PruneResult prune(Request r) {
        if (r.olderThan() == null) throw new IllegalArgumentException("olderThan: a retention window is required, e.g. 90d");
        return ledger.prune(cutoff(r.olderThan()), r.dryRun());
    }

    /** The UTC midnight at or before now minus the window; refuses windows under a day or over {@link #MAX_WINDOW}. */
    public Instant cutoff(Duration olderThan) {
        if (olderThan.compareTo(MIN_WINDOW) < 0) {
            throw new IllegalArgumentException("the retention window must be at least 1d; got " + olderThan.toHours() + "h");
        }
        if (olderThan.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("the retention window must be at most " + MAX_WINDOW.toDays() + "d; got "
                    + olderThan.toDays() + "d");
        }
        return clock.instant().minus(olderThan).truncatedTo(ChronoUnit.DAYS);
    }

    /**
     * A retention window as a person writes it: a number with its unit ("90d"; also s, m, h) or ISO-8601
     * ("P90D", "PT48H"), from 1d to {@link #MAX_WINDOW}. {@code field} names it in the refusal.
     */
    public static Duration window(String field, String text) {
        String v = text == null ? "" : text.trim();
        Duration d = v.regionMatches(true, 0, "P", 0, 1) ? iso(v) : compact(v);
        if (d == null) {
            throw new IllegalArgumentException(field + ": expected a duration such as 90d (or ISO-8601 P90D); got '"
                    + text + "'" + (v.matches("\\d+") ? "; give a unit: '" + v + "d'" : ""));
        }
        if (d.compareTo(MIN_WINDOW) < 0) {
            throw new IllegalArgumentException(field + ": the retention window must be at least 1d; got '" + text + "'");
        }
        if (d.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException(field + ": the retention window must be at most " + MAX_WINDOW.toDays()
                    + "d; got '" + text + "'");
        }
        return d;
    }

    private static Duration iso(String v) {
        try {
            Duration d = Duration.parse(v);
            return d.isNegative() ? null : d;
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    private static Duration compact(String v) {
        Matcher m = COMPACT.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        long n = Long.parseLong(m.group(1));
        try {
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException e) {
            return Duration.ofSeconds(Long.MAX_VALUE); // past any bound: refused as too long, named as given
        }
    }

    /**
     * {@link Request}'s JSON, read strictly ({@code POST /api/records/prune}): {@code olderThan} as
     * {@link #window} takes it, {@code dryRun} a boolean; anything else is refused naming the field.
     */
    static final class Json extends JsonDeserializer<Request> {
        @Override
        public Request deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode body = p.readValueAsTree();
            if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object");
            for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!name.equals("olderThan") && !name.equals("dryRun")) {
                    throw new IllegalArgumentException(name + ": unknown field (expected olderThan, dryRun)");
                }
            }
            JsonNode older = body.get("olderThan");
            Duration window = null;
            if (older != null && !older.isNull()) {
                if (!older.isTextual()) {
                    throw new IllegalArgumentException("olderThan: expected a string such as \"90d\" or \"P90D\", got " + older);
                }
                window = window("olderThan", older.asText());
            }
            JsonNode dry = body.get("dryRun");
            if (dry != null && !dry.isNull() && !dry.isBoolean()) {
                throw new IllegalArgumentException("dryRun: expected true or false, got " + dry);
            }
            return new Request(window, dry != null && dry.asBoolean());
        }
    }
}
