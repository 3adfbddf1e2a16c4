package tally.cli;

import java.time.Duration;

/** "90s", "10m", "2h", "1d" or a number of seconds. */
final class Durations {
    private Durations() {}

    static Duration parse(String option, String s) {
        String v = s.trim().toLowerCase();
        try {
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            char unit = v.charAt(v.length() - 1);
            long n = Character.isDigit(unit) ? Long.parseLong(v) : Long.parseLong(v.substring(0, v.length() - 1));
            Duration d = switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Character.isDigit(unit) ? Duration.ofSeconds(n) : null;
            };
            if (d != null && !d.isNegative() && !d.isZero()) return d;
        } catch (RuntimeException ignored) {
            // fall through to the message
        }
        throw new UserError(option + ": expected a duration such as 90s, 10m, 2h or 1d; got '" + s + "'");
    }
}
