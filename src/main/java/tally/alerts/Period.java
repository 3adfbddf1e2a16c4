package tally.alerts;

import tally.store.Ledger;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** The span a threshold sums over: calendar day, week (from Monday) or month in the zone, or the rolling hour. */
public enum Period {
    DAY("today", "daily"), WEEK("this week", "weekly"), MONTH("this month", "monthly"), HOUR("in the last hour", "hourly");

    private final String during;
    private final String adjective;

    Period(String during, String adjective) {
        this.during = during;
        this.adjective = adjective;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    String during() {
        return during;
    }

    String adjective() {
        return adjective;
    }

    public static Period parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "day", "daily" -> DAY;
            case "week", "weekly" -> WEEK;
            case "month", "monthly" -> MONTH;
            case "hour", "hourly", "rolling-hour" -> HOUR;
            default -> throw new IllegalArgumentException("period: expected day, week, month or hour; got '" + s + "'");
        };
    }

    /** [from, to) of the period containing {@code now}; the rolling hour is the last four rollup buckets. */
    Instant[] window(Instant now, ZoneId zone) {
        if (this == HOUR) {
            long bucketEnd = Windows.bucketStart(now) + Ledger.BUCKET_MS;
            return new Instant[] {Instant.ofEpochMilli(bucketEnd - 4 * Ledger.BUCKET_MS), Instant.ofEpochMilli(bucketEnd)};
        }
        LocalDate d = now.atZone(zone).toLocalDate();
        LocalDate first = switch (this) {
            case DAY -> d;
            case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> d.withDayOfMonth(1);
        };
        LocalDate next = switch (this) {
            case DAY -> first.plusDays(1);
            case WEEK -> first.plusWeeks(1);
            default -> first.plusMonths(1);
        };
        return new Instant[] {first.atStartOfDay(zone).toInstant(), next.atStartOfDay(zone).toInstant()};
    }
}
