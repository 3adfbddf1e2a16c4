package tally.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Whole local days [from, to] in a zone: what --days N, --from/--to and --month mean. A rolling
 * window (--last 24h) is an exact [startAt, endAt) instead; from and to are then the local days it touches.
 */
public record ReportRange(LocalDate from, LocalDate to, ZoneId zone, Instant startAt, Instant endAt) {
    /** The longest range a command or the API answers (about ten years): --days 2147483647 meant year -5877584. */
    public static final int MAX_DAYS = 3660;

    /**
     * The years a date may be in: what YYYY-MM-DD can say (a date as JSON may have a signed year of
     * nine digits, whose instants do not fit the ledger's milliseconds).
     */
    public static final int MIN_YEAR = 0;
    public static final int MAX_YEAR = 9999;

    public ReportRange {
        if (from == null || to == null || zone == null) {
            throw new IllegalArgumentException((from == null ? "from" : to == null ? "to" : "zone") + ": required");
        }
        year("--from", from.getYear());
        year("--to", to.getYear());
        if (to.isBefore(from)) throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        span(from, to, startAt, endAt, zone);
        String offset = Zones.offsetProblem(zone, from.atStartOfDay(zone).toInstant(), to.plusDays(1).atStartOfDay(zone).toInstant());
        if (offset != null) throw new IllegalArgumentException("--tz: " + offset);
    }

    public ReportRange(LocalDate from, LocalDate to, ZoneId zone) {
        this(from, to, zone, null, null);
    }

    /** Refuses a year YYYY-MM-DD cannot say. */
    public static void year(String field, int year) {
        if (year < MIN_YEAR || year > MAX_YEAR) {
            throw new IllegalArgumentException(field + ": the year must be from " + MIN_YEAR + " to " + MAX_YEAR + ", got " + year);
        }
    }

    /** Refuses a range of more than MAX_DAYS days, and a rolling window (both ends or neither) outside its days. */
    private static void span(LocalDate from, LocalDate to, Instant startAt, Instant endAt, ZoneId zone) {
        long days = java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
        if (days > MAX_DAYS + (startAt == null ? 0 : 2)) { // a rolling window of MAX_DAYS touches two days more
            throw new IllegalArgumentException("--from/--to: a range is at most " + MAX_DAYS + " days, got " + days
                    + " (" + from + " to " + to + ")");
        }
        if ((startAt == null) != (endAt == null)) throw new IllegalArgumentException("startAt and endAt: give both or neither");
        if (startAt != null && (startAt.isBefore(from.atStartOfDay(zone).toInstant()) || !startAt.isBefore(endAt)
                || endAt.isAfter(to.plusDays(1).atStartOfDay(zone).toInstant()))) {
            throw new IllegalArgumentException("startAt and endAt: a window within " + from + " to " + to + ", start before end");
        }
    }

    /** The last n days, today included. */
    public static ReportRange lastDays(int n, ZoneId zone, Clock clock) {
        if (n < 1) throw new IllegalArgumentException("--days must be at least 1, got " + n);
        if (n > MAX_DAYS) throw new IllegalArgumentException("--days must be at most " + MAX_DAYS + ", got " + n);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        return new ReportRange(today.minusDays(n - 1L), today, zone);
    }

    /**
     * The window of this length that ends now: --last 24h. Reports read 15-minute rollups, so the
     * window is widened to whole buckets: it starts at the bucket holding now − length and takes in
     * the current bucket whole.
     */
    public static ReportRange rolling(Duration length, ZoneId zone, Clock clock) {
        if (length.isNegative() || length.isZero()) throw new IllegalArgumentException("--last must be longer than zero");
        if (length.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw new IllegalArgumentException("--last must be at most " + MAX_DAYS + "d, got " + length.toDays() + " days");
        }
        long bucket = tally.store.Ledger.BUCKET_MS;
        long now = clock.millis();
        Instant end = Instant.ofEpochMilli(Math.floorDiv(now, bucket) * bucket + bucket);
        Instant start = Instant.ofEpochMilli(Math.floorDiv(now - length.toMillis(), bucket) * bucket);
        return new ReportRange(LocalDate.ofInstant(start, zone), LocalDate.ofInstant(end, zone), zone, start, end);
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
        long span = java.time.temporal.ChronoUnit.DAYS.between(f, t) + 1;
        if (span > MAX_DAYS) {
            throw new IllegalArgumentException("--from/--to: a range is at most " + MAX_DAYS + " days, got " + span
                    + " (" + f + " to " + t + ")");
        }
        return new ReportRange(f, t, zone);
    }

    /** One day given on a command line, as the flag the user typed: --since 2026-11-01. */
    public static ReportRange day(String flag, String value, ZoneId zone) {
        LocalDate d = date(flag, value);
        return new ReportRange(d, d, zone);
    }

    /** A month given as YYYY-MM. */
    public static ReportRange month(String yyyyMm, ZoneId zone) {
        try {
            YearMonth m = YearMonth.parse(yyyyMm.length() == 7 ? yyyyMm : "not YYYY-MM");
            return new ReportRange(m.atDay(1), m.atEndOfMonth(), zone);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--month: expected YYYY-MM, 'this' or 'last'; got '" + yyyyMm + "'");
        }
    }

    /** A month given as YYYY-MM, "this" (the current month, whole) or "last" (the one before it). */
    public static ReportRange month(String month, ZoneId zone, Clock clock) {
        YearMonth now = YearMonth.now(clock.withZone(zone));
        return switch (month.trim().toLowerCase()) {
            case "this", "current" -> month(now.toString(), zone);
            case "last", "previous" -> month(now.minusMonths(1).toString(), zone);
            default -> month(month.trim(), zone);
        };
    }

    static LocalDate date(String flag, String value) {
        try {
            return LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + ": expected a date YYYY-MM-DD, got '" + value + "'");
        }
    }

    /** Whether this is a rolling window rather than whole days. */
    public boolean rolling() {
        return startAt != null;
    }

    public Instant start() {
        return startAt != null ? startAt : from.atStartOfDay(zone).toInstant();
    }

    /** Exclusive end: the start of the day after {@code to}. */
    public Instant end() {
        return endAt != null ? endAt : to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** "2026-11-01 to 2026-11-30", or the exact window of a rolling one. */
    public String describe() {
        if (!rolling()) return from + " to " + to;
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        return f.format(start().atZone(zone)) + " to " + f.format(end().atZone(zone));
    }
}
