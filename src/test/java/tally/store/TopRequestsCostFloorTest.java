package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;
import static tally.store.TopPages.ORDER;

/**
 * The cost floor a page is cut with, when the range ends after its newest record (as "the last 30
 * days" ends at today's midnight): it is read from a full week of records before the newest one, not
 * from the few minutes between the range's last midnight and the newest record nor from its last
 * day alone, so it lets only a few rows more than the page through to the sort. Pages cut with it stay exactly the brute-force
 * order of the records.
 */
class TopRequestsCostFloorTest {
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    /** The newest record: two hours after the range's last midnight. */
    private static final Instant NEWEST = Instant.parse("2026-03-20T02:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-21T00:00:00Z");
    private static final int LIMIT = 10;

    @TempDir Path dir;

    /**
     * A record every 40 minutes up to the range's last midnight, costing 100,000 to 1,000,000 nanos
     * (a few unpriced); then 30 cheap ones (1,000 to 30,000) in the two hours up to the newest.
     */
    private static List<UsageEvent> records() {
        SplittableRandom r = new SplittableRandom(16);
        List<UsageEvent> out = new ArrayList<>();
        Instant midnight = NEWEST.minus(Duration.ofHours(2));
        int i = 0;
        for (Instant t = FROM; t.isBefore(midnight); t = t.plus(Duration.ofMinutes(40)), i++) {
            var b = event(String.format("r%05d", i), t.toString(), "dev" + r.nextInt(5));
            out.add(r.nextInt(20) == 0 ? b.cost(null, null).build() : b.cost(100_000L + 1_000L * r.nextInt(900), "v").build());
        }
        for (int k = 1; k <= 30; k++) {
            out.add(event(String.format("c%02d", k), midnight.plus(Duration.ofMinutes(4L * k)).toString(), "dev0")
                    .cost(1_000L * k, "v").build());
        }
        return out;
    }

    /** The (LIMIT+1)th highest cost of the priced records in [from, to). */
    private static long pastThePage(List<UsageEvent> records, Instant from, Instant to) {
        return records.stream().filter(e -> e.costNanos() != null && !e.time().isBefore(from) && e.time().isBefore(to))
                .map(UsageEvent::costNanos).sorted(Comparator.reverseOrder()).skip(LIMIT).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theFloorOfARangeEndingAfterItsNewestRecordComesFromTheDayBeforeThatRecord(TestStores.Kind kind) throws Exception {
        List<UsageEvent> records = records();
        Long floor = floorOverTheRange(kind, records);
        Instant dayBefore = NEWEST.minus(Duration.ofDays(1)).plusMillis(1);
        // a lower bound of the cost just past the page, so no row of the page is cut off…
        assertThat(floor).isLessThanOrEqualTo(pastThePage(records, FROM, TO));
        // …and at least that of the day up to the newest record, not of the cheap two hours since midnight
        assertThat(floor).isGreaterThanOrEqualTo(pastThePage(records, dayBefore, NEWEST.plusMillis(1)))
                .isGreaterThan(30_000L);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void onDuckDbTheFloorIsAtLeastThatOfTheWeekBeforeTheNewestRecord(TestStores.Kind kind) throws Exception {
        List<UsageEvent> records = records();
        Long floor = floorOverTheRange(kind, records);
        Instant weekBefore = NEWEST.minus(Duration.ofDays(7)).plusMillis(1);
        long ofTheDay = pastThePage(records, NEWEST.minus(Duration.ofDays(1)).plusMillis(1), NEWEST.plusMillis(1));
        long ofTheWeek = pastThePage(records, weekBefore, NEWEST.plusMillis(1));
        assertThat(ofTheWeek).as("the week's floor is the tighter one").isGreaterThan(ofTheDay);
        // a week's rows bound the page closer than a day's (PostgreSQL reads the whole range: tighter still)
        assertThat(floor).isGreaterThanOrEqualTo(ofTheWeek).isLessThanOrEqualTo(pastThePage(records, FROM, TO));
    }

    /** The cost floor of a page of LIMIT over [FROM, TO), with the records written to a fresh store of the kind. */
    private Long floorOverTheRange(TestStores.Kind kind, List<UsageEvent> records) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            new Ledger(store).write(records);
            long from = FROM.toEpochMilli();
            long to = TO.toEpochMilli();
            try (Connection c = store.connection()) {
                return new TopRequests(store).costFloor(c, new Where().and("ts_ms >= ? AND ts_ms < ?", from, to), from, to, LIMIT);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void pagesOfRangesEndingAfterAndBeforeTheNewestRecordMatchTheRecordsInOrder(TestStores.Kind kind) {
        List<UsageEvent> records = records();
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            new Ledger(store).write(records);
            TopRequests top = new TopRequests(store);
            Instant[][] ranges = {{FROM, TO}, {FROM, TO.plus(Duration.ofDays(9))}, {FROM, NEWEST.minus(Duration.ofMinutes(30))},
                    {NEWEST.minus(Duration.ofHours(5)), TO}};
            for (Instant[] range : ranges) {
                UsageQuery q = UsageQuery.of(range[0], range[1], Dimension.USER, ZoneOffset.UTC);
                List<String> expected = records.stream().filter(e -> !e.time().isBefore(range[0]) && e.time().isBefore(range[1]))
                        .sorted(ORDER).map(UsageEvent::id).toList();
                for (int limit : new int[] {LIMIT, 45, 5000}) {
                    List<String> walked = TopPages.walk(top, q, limit);
                    assertThat(walked).as("%s to %s, limit %d", range[0], range[1], limit).isEqualTo(expected);
                }
            }
        }
    }
}
