package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import tally.report.ReportRange;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;

/** A per-developer report sent after each day, week (Monday to Sunday) or month, to some channels. */
public record ReportSchedule(Every every, List<String> channels) {

    public enum Every { DAILY, WEEKLY, MONTHLY }

    public static ReportSchedule parse(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("reports: each report must be a JSON object");
        try {
            Wording.refuseUnknownKeys(n, List.of("every", "channels"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reports: " + e.getMessage(), e);
        }
        String every = n.path("every").asText("");
        Every e;
        try {
            e = Every.valueOf(every.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("reports: every: expected daily, weekly or monthly; got '" + every + "'");
        }
        return new ReportSchedule(e, RuleJson.strings(n.get("channels")));
    }

    /** Stable name for the record of what was sent. */
    String id() {
        return every.name().toLowerCase(Locale.ROOT) + ":" + String.join(",", channels);
    }

    /** The last whole period that ended at or before {@code now}. */
    ReportRange lastComplete(Instant now, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        return switch (every) {
            case DAILY -> new ReportRange(today.minusDays(1), today.minusDays(1), zone);
            case WEEKLY -> {
                LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
                yield new ReportRange(monday, monday.plusDays(6), zone);
            }
            case MONTHLY -> {
                YearMonth last = YearMonth.from(today).minusMonths(1);
                yield new ReportRange(last.atDay(1), last.atEndOfMonth(), zone);
            }
        };
    }

    String label(ReportRange r) {
        return switch (every) {
            case DAILY -> "daily report for " + r.from();
            case WEEKLY -> "weekly report for " + r.from() + " to " + r.to();
            case MONTHLY -> "monthly report for " + YearMonth.from(r.from());
        };
    }
}
