package tally.app;

import tally.core.IsoInstant;
import tally.report.ReportRange;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/** Times as the API's JSON writes them (ISO-8601 text), read back with the API's range checks. */
final class TimeText {
    /** Beyond this many milliseconds from 1970 an instant is refused: further, a sum or a day added would overflow. */
    private static final long MAX_INSTANT_MS = Long.MAX_VALUE / 2;

    private TimeText() {}

    static Instant instant(String text) {
        Instant t = IsoInstant.parse(text);
        if (t.getEpochSecond() > MAX_INSTANT_MS / 1000 || t.getEpochSecond() < -MAX_INSTANT_MS / 1000) {
            throw new IllegalArgumentException("the instant " + text + " is out of range (about 146 million years from 1970)");
        }
        return t;
    }

    /** A date, its year one that YYYY-MM-DD can say ({@link ReportRange#year}). */
    static LocalDate date(String text) {
        LocalDate d = LocalDate.parse(text);
        ReportRange.year("the date " + text, d.getYear());
        return d;
    }

    static YearMonth month(String text) {
        YearMonth m = YearMonth.parse(text);
        ReportRange.year("the month " + text, m.getYear());
        return m;
    }
}
