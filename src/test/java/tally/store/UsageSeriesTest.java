package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

class UsageSeriesTest {
    @TempDir Path dir;

    /** East and west of UTC, half and three-quarter hours, and a range across a daylight-saving change. */
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
            "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns");

    /** Three weeks inside the data, and more than a year around it (a different query shape). */
    private static final List<LocalDate[]> RANGES = List.of(
            new LocalDate[] {LocalDate.of(2026, 3, 22), LocalDate.of(2026, 4, 12)},
            new LocalDate[] {LocalDate.of(2025, 3, 1), LocalDate.of(2026, 5, 1)});

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void everyLocalDayHourWeekAndMonthHoldsExactlyTheRecordsStampedInIt(TestStores.Kind kind) {
        Instant start = Instant.parse("2026-03-20T00:00:00Z");
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) { // every 13 minutes for about 27 days, two developers
            events.add(event("e-" + i, start.plus(13L * i, ChronoUnit.MINUTES).toString(), "dev" + (i % 2))
                    .cost(1_000L + i, "v").build());
        }
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            UsageSeries series = new UsageSeries(ledger);
            for (String z : ZONES) for (LocalDate[] range : RANGES) {
                ZoneId zone = ZoneId.of(z);
                Instant from = range[0].atStartOfDay(zone).toInstant();
                Instant to = range[1].atStartOfDay(zone).toInstant();
                for (Dimension step : List.of(Dimension.DAY, Dimension.HOUR)) {
                    Map<String, Long> expected = new TreeMap<>();
                    for (UsageEvent e : events) {
                        if (e.time().isBefore(from) || !e.time().isBefore(to)) continue;
                        LocalDateTime local = LocalDateTime.ofInstant(e.time(), zone);
                        LocalDateTime period = step == Dimension.DAY ? local.toLocalDate().atStartOfDay() : local.truncatedTo(ChronoUnit.HOURS);
                        expected.merge(period + " " + e.identity(), e.costNanos(), Long::sum);
                    }
                    Map<String, Long> actual = new TreeMap<>();
                    for (UsageSeries.Point p : series.query(UsageQuery.of(from, to, step, zone), Dimension.USER)) {
                        actual.merge(p.period() + " " + p.split(), p.usage().costNanos(), Long::sum);
                    }
                    assertThat(actual).as(z + " by " + step).isEqualTo(expected);
                }
                for (Dimension by : List.of(Dimension.DAY, Dimension.WEEK, Dimension.MONTH)) {
                    Map<String, Long> expected = new TreeMap<>();
                    for (UsageEvent e : events) {
                        if (e.time().isBefore(from) || !e.time().isBefore(to)) continue;
                        expected.merge(Ledger.localKey(LocalDateTime.ofInstant(e.time(), zone), by), e.costNanos(), Long::sum);
                    }
                    Map<String, Long> actual = new TreeMap<>();
                    ledger.usage(UsageQuery.of(from, to, by, zone)).forEach(r -> actual.put(r.key(), r.costNanos()));
                    assertThat(actual).as(z + " report by " + by).isEqualTo(expected);
                }
            }
        }
    }
}
