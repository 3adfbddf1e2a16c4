package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;
import static tally.store.TopPages.ORDER;

class TopRequestsTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir Path dir;

    /** The page order, spelled out: cost descending with unpriced last, newest first, then id. */
    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void pagesWalkEveryRecordOnceInOrderThroughTiesAndIntoTheUnpricedOnes(TestStores.Kind kind) {
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // few distinct costs and times, so page edges fall inside runs of equal cost and equal time
            var b = event(String.format("r-%03d", (i * 7919) % 400), "2026-01-10T10:0" + (i % 3) + ":00Z", "dev" + (i % 4));
            events.add(i % 11 == 0 ? b.build() : b.cost(1_000L * (i % 5), "v").build());
        }
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            new Ledger(store).write(events);
            TopRequests top = new TopRequests(store);
            for (int limit : new int[] {1, 7, 50, 399, 400, 500}) {
                List<String> walked = TopPages.walk(top, UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC), limit);
                assertThat(walked).as("limit " + limit).isEqualTo(events.stream().sorted(ORDER).map(UsageEvent::id).toList());
            }
        }
    }
}
