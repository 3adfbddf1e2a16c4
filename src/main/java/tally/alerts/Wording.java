package tally.alerts;

import tally.core.Nanos;

import java.time.Duration;
import java.util.Locale;

/** How alerts say amounts: money as dollars, counts with separators. The only place rules format. */
final class Wording {
    private Wording() {}

    static String dollars(long nanos) {
        return Nanos.toDollarsReadable(nanos); // "$0.0045", not "$0.00", for a threshold under a cent
    }

    static String tokens(long n) {
        return count(n) + " tokens";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String duration(Duration d) {
        if (d.toDays() > 0 && d.toHours() % 24 == 0) return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        if (d.toHours() > 0 && d.toMinutes() % 60 == 0) return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        return d.toMinutes() + " minutes";
    }

    /** "1h", "15m", "7d", "30s" or an ISO-8601 duration. */
    static Duration parseDuration(String field, String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) return Duration.parse(v.toUpperCase(Locale.ROOT));
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            Duration d = switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
            if (d.isNegative()) throw new IllegalArgumentException();
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": expected a duration such as 30s, 15m, 1h or 7d; got '" + s + "'");
        }
    }

    static String formatDuration(Duration d) {
        if (d.isZero()) return "0s";
        if (d.toMillis() % 1000 != 0) return d.toMillis() + "ms";
        if (d.toSeconds() % 86_400 == 0) return d.toDays() + "d";
        if (d.toSeconds() % 3_600 == 0) return d.toHours() + "h";
        if (d.toSeconds() % 60 == 0) return d.toMinutes() + "m";
        return d.toSeconds() + "s";
    }

    /** Refuses a key of {@code n} (an object) that is not {@code known}: a misspelt key is an error, never ignored. */
    static void refuseUnknownKeys(com.fasterxml.jackson.databind.JsonNode n, java.util.List<String> known) {
        n.fieldNames().forEachRemaining(k -> {
            if (known.contains(k)) return;
            String expected = known.size() == 1 ? known.get(0)
                    : String.join(", ", known.subList(0, known.size() - 1)) + " or " + known.get(known.size() - 1);
            throw new IllegalArgumentException("unknown key '" + k + "' (expected " + expected + ")");
        });
    }
}
