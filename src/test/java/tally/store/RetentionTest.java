package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.priced;

/** Pruning raw records past a window: they go, the rollups every report reads stay. */
class RetentionTest {
    private static final Instant OLD_FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant CUT = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-03-31T00:00:00Z");

    @TempDir Path dir;

    /** Three old days (two people) and two recent records, spread over hours so zones cut them differently. */
    private static List<UsageEvent> history() {
        List<UsageEvent> out = new ArrayList<>();
        for (int day = 5; day <= 7; day++) {
            for (int hour = 0; hour < 24; hour += 5) {
                String at = String.format("2026-01-%02dT%02d:10:00Z", day, hour);
                out.add(priced("a" + day + "-" + hour, at, "alice", 1_000L * hour + day));
                out.add(priced("b" + day + "-" + hour, at, "bob", 7_000L + hour));
            }
        }
        out.add(priced("recent-1", "2026-03-20T09:00:00Z", "alice", 5_000));
        out.add(priced("recent-2", "2026-03-21T23:50:00Z", "bob", 6_000));
        return out;
    }

    /** The old range's reports as they are read: by day in UTC and in a half-hour zone, by person. */
    private static List<List<UsageRow>> oldReports(Ledger ledger) {
        return List.of(
                ledger.usage(UsageQuery.of(OLD_FROM, CUT, Dimension.DAY, ZoneOffset.UTC)),
                ledger.usage(UsageQuery.of(OLD_FROM.minusSeconds(19_800), CUT.minusSeconds(19_800), Dimension.DAY,
                        ZoneId.of("Asia/Kolkata"))),
                ledger.usage(UsageQuery.of(Instant.parse("2026-01-05T06:00:00Z"), Instant.parse("2026-01-06T18:00:00Z"),
                        Dimension.HOUR, ZoneOffset.UTC)),
                ledger.usage(UsageQuery.of(OLD_FROM, CUT, Dimension.USER, ZoneOffset.UTC)));
    }

    private static List<String> ids(Ledger ledger, Instant from, Instant to) throws Exception {
        List<String> ids = new ArrayList<>();
        ledger.scan(from, to, e -> ids.add(e.id()));
        return ids;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void pruningDropsOldRawRecordsAndLeavesEveryReportOverThemUnchanged(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(history());
            List<List<UsageRow>> before = oldReports(ledger);
            assertThat(before.get(0)).hasSize(3);

            PruneResult r = ledger.prune(CUT, false);

            assertThat(r.records()).isEqualTo(30);
            assertThat(r.dryRun()).isFalse();
            assertThat(ids(ledger, OLD_FROM, CUT)).isEmpty();
            assertThat(ids(ledger, CUT, NOW)).containsExactly("recent-1", "recent-2");
            assertThat(ledger.countRecords()).isEqualTo(2);
            assertThat(oldReports(ledger)).isEqualTo(before);
            assertThat(ledger.top(OLD_FROM, CUT, 10)).isEmpty(); // what only raw rows serve goes with them
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void pruningTwiceDeletesNothingMore(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(history());
            List<List<UsageRow>> before = oldReports(ledger);
            ledger.prune(CUT, false);

            assertThat(ledger.prune(CUT, false).records()).isZero();
            assertThat(ledger.countRecords()).isEqualTo(2);
            assertThat(oldReports(ledger)).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aDryRunCountsWithoutDeleting(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(history());

            PruneResult r = ledger.prune(CUT, true);

            assertThat(r.records()).isEqualTo(30);
            assertThat(r.dryRun()).isTrue();
            assertThat(ledger.countRecords()).isEqualTo(32);
            // a dry run sets no horizon: an old record still lands
            assertThat(ledger.write(List.of(priced("late", "2026-01-09T10:00:00Z", "carol", 9))).added()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aPrunedRecordArrivingAgainIsNotCountedTwice(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(history());
            List<List<UsageRow>> before = oldReports(ledger);
            ledger.prune(CUT, false);

            WriteResult again = ledger.write(history()); // a re-import of the same history

            assertThat(again.added()).isZero();
            assertThat(again.duplicates()).isEqualTo(32);
            assertThat(oldReports(ledger)).isEqualTo(before);
            assertThat(ledger.countRecords()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aShorterWindowLaterDoesNotMoveTheHorizonBack(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(history());
            ledger.prune(CUT, false);
            ledger.prune(Instant.parse("2026-01-06T00:00:00Z"), false);

            assertThat(ledger.write(List.of(priced("a6-5", "2026-01-06T05:10:00Z", "alice", 5_006))).added()).isZero();
            assertThat(ledger.write(List.of(priced("new", "2026-03-25T10:00:00Z", "carol", 9))).added()).isEqualTo(1);
        }
    }
}
