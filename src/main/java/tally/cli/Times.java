package tally.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Reads the times users type: an instant, a local date-time in the team's zone, or a date. */
final class Times {
    private Times() {}

    static Instant parse(String flag, String value, ZoneId zone) {
        String v = value.trim();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // not an offset date-time; try the local forms
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        try {
            return LocalDateTime.parse(v.replace(' ', 'T')).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        try {
            return LocalDate.parse(v).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        throw new UserError(flag + ": cannot read '" + value + "' as a time (use 2026-11-24T10:15:00Z, "
                + "2026-11-24 10:15 in --tz, or 2026-11-24)");
    }
}
