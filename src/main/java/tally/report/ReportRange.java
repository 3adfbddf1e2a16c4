package tally.report;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Whole local days [from, to] in a zone: what --days N and --from/--to mean. */
public record ReportRange(LocalDate from, LocalDate to, ZoneId zone) {

    public ReportRange {
        if (to.isBefore(from)) throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        String offset = Zones.offsetProblem(zone, from.atStartOfDay(zone).toInstant(), to.plusDays(1).atStartOfDay(zone).toInstant());
        if (offset != null) throw new IllegalArgumentException("--tz: " + offset);
    }

    /** The last n days, today included. */
    public static ReportRange lastDays(int n, ZoneId zone, Clock clock) {
        if (n < 1) throw new IllegalArgumentException("--days must be at least 1, got " + n);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        return new ReportRange(today.minusDays(n - 1L), today, zone);
    }

    /** From --days or --from/--to as given on a command line; null days and dates mean the default. */
    public static ReportRange parse(Integer days, String from, String to, int defaultDays, ZoneId zone, Clock clock) {
        if (days != null && (from != null || to != null)) {
            throw new IllegalArgumentException("give either --days or --from/--to, not both");
        }
        if (from == null && to == null) return lastDays(days == null ? defaultDays : days, zone, clock);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate f = from == null ? null : date("--from", from);
        LocalDate t = to == null ? today : date("--to", to);
        if (f == null) f = t.withDayOfMonth(1);
        return new ReportRange(f, t, zone);
    }

    /** A month given as YYYY-MM. */
    public static ReportRange month(String yyyyMm, ZoneId zone) {
        try {
            java.time.YearMonth m = java.time.YearMonth.parse(yyyyMm);
            return new ReportRange(m.atDay(1), m.atEndOfMonth(), zone);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--month: expected YYYY-MM, got '" + yyyyMm + "'");
        }
    }

    static LocalDate date(String flag, String value) {
        try {
            return LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + ": expected a date YYYY-MM-DD, got '" + value + "'");
        }
    }

    public Instant start() {
        return from.atStartOfDay(zone).toInstant();
    }

    /** Exclusive end: the start of the day after {@code to}. */
    public Instant end() {
        return to.plusDays(1).atStartOfDay(zone).toInstant();
    }
}
