package tally.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transcript timestamp reader: the same instant as Instant.parse, or the same refusal. */
class IsoInstantTest {

    @Test
    void readsClaudeCodesFormExactlyAsInstantParseDoes() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(rnd.nextLong(-2_000_000_000L, 8_000_000_000L), rnd.nextInt(1_000_000_000));
            String text = t.toString(); // Z, with 0, 3, 6 or 9 fraction digits as the value needs
            assertThat(IsoInstant.fast(text)).as(text).isEqualTo(Instant.parse(text));
        }
        assertThat(IsoInstant.parse("2026-10-10T13:33:21.766Z")).isEqualTo(Instant.parse("2026-10-10T13:33:21.766Z"));
        assertThat(IsoInstant.parse("2024-02-29T23:59:59.1Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59.1Z"));
    }

    @Test
    void countsDaysAsTheCalendarDoesAcrossLeapYearsAndCenturies() {
        java.util.List<java.time.LocalDate> wrong = new java.util.ArrayList<>();
        for (long d = java.time.LocalDate.of(1600, 1, 1).toEpochDay(); d <= java.time.LocalDate.of(2500, 12, 31).toEpochDay(); d++) {
            java.time.LocalDate date = java.time.LocalDate.ofEpochDay(d);
            if (IsoInstant.epochDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth()) != d) wrong.add(date);
        }
        assertThat(wrong).isEmpty();
        assertThat(IsoInstant.fast("2100-02-29T00:00:00Z")).isNull(); // not a leap year: left to Instant.parse's refusal
        assertThat(IsoInstant.fast("2000-02-29T00:00:00Z")).isEqualTo(Instant.parse("2000-02-29T00:00:00Z"));
    }

    @Test
    void leavesEveryOtherFormToInstantParse() {
        for (String s : new String[] {"2026-10-10T13:33:21+02:00", "2026-10-10T24:00:00Z", "2026-12-31T23:59:60Z",
                "2026-10-10T13:33:21.1234567891Z", "2026-10-10T13:33:21.Z"}) {
            assertThat(IsoInstant.fast(s)).as(s).isNull();
        }
        assertThat(IsoInstant.parse("2026-10-10T13:33:21.Z")).isEqualTo(Instant.parse("2026-10-10T13:33:21.Z"));
        assertThat(IsoInstant.parse("2026-10-10T13:33:21+02:00")).isEqualTo(Instant.parse("2026-10-10T13:33:21+02:00"));
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String s : new String[] {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-10-10T13:61:00Z",
                "2026-10-1OT13:33:21Z", "2026-10-10 13:33:21Z", "yesterday"}) {
            assertThatThrownBy(() -> IsoInstant.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
        }
    }
}
