package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * Records in the order they were stored (what tail follows), whatever time their source gave them:
 * a record stored again in a higher-precedence copy arrives again; a reprice changes no arrival;
 * records stored before arrivals were kept arrive at their own time.
 */
class ArrivalsTest {
    private static final UsageQuery ALL = UsageQuery.of(Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z"),
            Dimension.USER, ZoneOffset.UTC);

    @TempDir Path dir;

    private Store open(TestStores.Kind kind) {
        return Store.open(TestStores.config(kind, dir));
    }

    /** The ids of the records stored at or after {@code fromMs}, in arrival order. */
    private static List<String> arrivedSince(Store store, long fromMs) {
        List<String> ids = new ArrayList<>();
        for (RecentRequests.Arrival a : new RecentRequests(store).arrivedAfter(ALL, new RecentRequests.Cursor(fromMs, null), 100)) {
            ids.add(a.request().id());
        }
        return ids;
    }

    /** Returns a time after every stamp given so far, and before every one given after. */
    private static long tick() throws InterruptedException {
        Thread.sleep(5);
        long now = System.currentTimeMillis();
        Thread.sleep(5);
        return now;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void recordsArriveInTheOrderTheyAreStoredNotByTheirOwnTime(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            long start = tick();
            ledger.write(List.of(event("ahead", Instant.now().plusSeconds(300).toString(), "alice").build()));
            long second = tick();
            ledger.write(List.of(event("now", Instant.now().toString(), "alice").build()));
            ledger.write(List.of(event("last-week", "2026-01-05T10:00:00Z", "alice").build()));

            assertThat(arrivedSince(store, start)).containsExactly("ahead", "now", "last-week");
            assertThat(arrivedSince(store, second)).containsExactly("now", "last-week");
            List<RecentRequests.Arrival> after = new RecentRequests(store).arrivedAfter(ALL, new RecentRequests.Cursor(start, null), 1);
            RecentRequests.Arrival first = after.get(0);
            assertThat(new RecentRequests(store).arrivedAfter(ALL, new RecentRequests.Cursor(first.storedMs(), first.request().id()), 100))
                    .extracting(a -> a.request().id()).containsExactly("now", "last-week");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aHigherPrecedenceCopyArrivesAndAnImportsLargeBatchIsStampedToo(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(event("t1", "2026-01-05T10:00:03Z", "alice").source(Source.TRANSCRIPT).requestId("req_1").build()));
            long before = tick();
            WriteResult r = ledger.write(List.of(event("g1", "2026-01-05T10:00:01Z", "alice").source(Source.GATEWAY).requestId("req_1").build()));
            assertThat(r.superseded()).isEqualTo(1);
            assertThat(arrivedSince(store, before)).containsExactly("g1");

            List<UsageEvent> batch = new ArrayList<>(); // large enough for the bulk staging path
            for (int i = 0; i < 5_000; i++) {
                batch.add(event(String.format("imp-%05d", i), "2025-06-01T00:00:00Z", "bob").source(Source.TRANSCRIPT)
                        .sessionId("s-" + (i % 7)).build());
            }
            long beforeImport = tick();
            try (BulkWrite bulk = ledger.bulk()) {
                bulk.write(batch, null);
                bulk.commit();
            }
            List<String> imported = new ArrayList<>();
            for (RecentRequests.Arrival a : new RecentRequests(store).arrivedAfter(ALL, new RecentRequests.Cursor(beforeImport, null), 10_000)) {
                imported.add(a.request().id());
            }
            assertThat(imported).hasSize(5_000).startsWith("imp-00000").endsWith("imp-04999");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRepricedRecordKeepsItsArrivalAndOlderRecordsArriveAtTheirOwnTime(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(event("old", "2026-01-05T10:00:00Z", "alice").build(),
                    event("kept", "2026-01-05T11:00:00Z", "alice").build()));
            Jdbc.update(store, e -> new StoreException(e.getMessage(), e),
                    "UPDATE usage_events SET stored_ms = NULL WHERE id = ?", "old"); // stored before arrivals were kept
            long before = tick();

            long changed = ledger.reprice(Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"),
                    e -> e.withPrice(e.model(), e.costNanos() * 2, "v2"));

            assertThat(changed).isEqualTo(2);
            assertThat(arrivedSince(store, before)).isEmpty();
            assertThat(arrivedSince(store, Instant.parse("2026-01-05T10:00:00Z").toEpochMilli())).startsWith("old").contains("kept");
        }
    }
}
