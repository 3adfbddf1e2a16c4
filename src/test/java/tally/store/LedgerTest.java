package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.identity.People;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;
import static tally.store.Events.priced;

class LedgerTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir Path dir;

    private Store open(TestStores.Kind kind) {
        return Store.open(TestStores.config(kind, dir));
    }

    private static UsageRow totals(Ledger ledger) {
        return ledger.totals(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void storesRecordsAndSumsEveryTokenClassIntoRollups(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(
                    event("a", "2026-01-05T10:00:00Z", "alice").tokens(new TokenCounts(10, 20, 30, 40, 50)).cost(7L, "v").build(),
                    event("b", "2026-01-05T10:01:00Z", "alice").tokens(new TokenCounts(1, 2, 3, 4, 5)).cost(3L, "v").status(529).build()));

            UsageRow t = totals(ledger);
            assertThat(t.requests()).isEqualTo(2);
            assertThat(t.failed()).isEqualTo(1);
            assertThat(t.tokens()).isEqualTo(new TokenCounts(11, 22, 33, 44, 55));
            assertThat(t.costNanos()).isEqualTo(10);
            assertThat(ledger.countRecords()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRequoteScanReadsEachRecordsTimeTokensPriceFlagsAndCostInTimeOrder(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(
                    event("late", "2026-01-06T10:00:00Z", "bob").source(Source.GATEWAY).model("claude-opus-4-1")
                            .tokens(new TokenCounts(1, 2, 3, 4, 5)).webSearches(2).batch(true).cost(9L, "v").build(),
                    event("early", "2026-01-05T10:00:00Z", "alice").source(Source.TRANSCRIPT).model("claude-haiku-4-5")
                            .tokens(new TokenCounts(10, 0, 0, 40, 50)).fast(true).cost(null, null).build(),
                    event("outside", "2026-03-05T10:00:00Z", "alice").cost(1L, "v").build()));

            List<Requote> read = new java.util.ArrayList<>();
            ledger.scanForRequotes(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC), read::add);

            assertThat(read).containsExactly(
                    new Requote(Instant.parse("2026-01-05T10:00:00Z").toEpochMilli(),
                            new TokenCounts(10, 0, 0, 40, 50), 0, false, true, null, null),
                    new Requote(Instant.parse("2026-01-06T10:00:00Z").toEpochMilli(),
                            new TokenCounts(1, 2, 3, 4, 5), 2, true, false, 9L, null));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void writingTheSameRecordTwiceStoresItOnce(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> batch = List.of(priced("a", "2026-01-05T10:00:00Z", "alice", 100),
                    priced("b", "2026-01-06T10:00:00Z", "bob", 200));

            assertThat(ledger.write(batch)).isEqualTo(new WriteResult(2, 0, 0));
            assertThat(ledger.write(batch)).isEqualTo(new WriteResult(0, 2, 0));
            assertThat(ledger.write(List.of(batch.get(0), batch.get(0), priced("c", "2026-01-07T10:00:00Z", "bob", 5))))
                    .isEqualTo(new WriteResult(1, 2, 0));

            assertThat(ledger.countRecords()).isEqualTo(3);
            assertThat(totals(ledger).costNanos()).isEqualTo(305);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRequestReportedByTwoSourcesIsCountedOnceAtTheHigherPrecedence(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            UsageEvent transcript = event("t1", "2026-01-05T10:00:03Z", "alice").source(Source.TRANSCRIPT)
                    .requestId("req_1").cost(90L, "v").build();
            UsageEvent gateway = event("g1", "2026-01-05T10:00:00Z", "key:abc").source(Source.GATEWAY)
                    .requestId("req_1").cost(100L, "v").build();
            UsageEvent metric = event("m1", "2026-01-05T10:05:00Z", "alice").source(Source.OTEL_METRIC)
                    .requestId("req_1").cost(80L, "v").build();

            assertThat(ledger.write(List.of(transcript))).isEqualTo(new WriteResult(1, 0, 0));
            assertThat(ledger.write(List.of(gateway))).isEqualTo(new WriteResult(1, 0, 1));
            assertThat(ledger.write(List.of(metric, transcript))).isEqualTo(new WriteResult(0, 2, 0));

            UsageRow t = totals(ledger);
            assertThat(t.requests()).isEqualTo(1);
            assertThat(t.costNanos()).isEqualTo(100);
            assertThat(ledger.usage(UsageQuery.of(FROM, TO, Dimension.SOURCE, ZoneOffset.UTC)))
                    .extracting(UsageRow::key).containsExactly("gateway");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void withinOneBatchTheHighestPrecedenceSourceWins(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            WriteResult r = ledger.write(List.of(
                    event("t1", "2026-01-05T10:00:03Z", "alice").source(Source.TRANSCRIPT).requestId("req_9").cost(1L, "v").build(),
                    event("o1", "2026-01-05T10:00:02Z", "alice").source(Source.OTEL_EVENT).requestId("req_9").cost(2L, "v").build(),
                    event("p1", "2026-01-05T10:00:01Z", "alice").source(Source.PROVIDER_LOG).requestId("req_9").cost(3L, "v").build()));

            assertThat(r).isEqualTo(new WriteResult(1, 2, 0));
            assertThat(totals(ledger).costNanos()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void unpricedRecordsAreCountedAndNamedNeverPricedAtZero(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(
                    event("a", "2026-01-05T10:00:00Z", "alice").modelId("claude-future-9").cost(null, null).build(),
                    priced("b", "2026-01-05T11:00:00Z", "alice", 500)));

            UsageQuery q = UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC);
            assertThat(ledger.totals(q).unpriced()).isEqualTo(1);
            assertThat(ledger.totals(q).requests()).isEqualTo(2);
            assertThat(ledger.unpricedModels(q)).containsExactly(java.util.Map.entry("claude-future-9", 1L));
            assertThat(ledger.top(FROM, TO, 5)).extracting(TopRequest::id).containsExactly("b", "a");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void mappingAnIdentityLaterReattributesItsHistory(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(priced("a", "2026-01-05T10:00:00Z", "alice@corp.com", 100),
                    priced("b", "2026-01-05T10:00:00Z", "keyfp:1f2e", 50),
                    priced("c", "2026-01-05T10:00:00Z", "bob", 7)));
            UsageQuery byUser = UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC);
            assertThat(ledger.usage(byUser)).extracting(UsageRow::key).containsExactly("alice@corp.com", "keyfp:1f2e", "bob");

            People people = new People(store);
            people.add("alice", "platform");
            people.alias("alice", "alice@corp.com");
            people.alias("alice", "keyfp:1f2e");

            List<UsageRow> rows = ledger.usage(byUser);
            assertThat(rows).extracting(UsageRow::key).containsExactly("alice", "bob");
            assertThat(rows.get(0).costNanos()).isEqualTo(150);
            assertThat(ledger.usage(UsageQuery.of(FROM, TO, Dimension.TEAM, ZoneOffset.UTC)))
                    .extracting(UsageRow::key, UsageRow::costNanos)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("platform", 150L), org.assertj.core.groups.Tuple.tuple("(none)", 7L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void withoutAliasesAPersonIsTheIdentityAsShownUntilTheFirstAliasIsSaved(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(priced("a", "2026-01-05T10:00:00Z", "arn:aws:sts::1:assumed-role/Dev/alice", 100),
                    priced("b", "2026-01-05T11:00:00Z", "carol@corp.com", 30)));
            UsageQuery byUser = UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC);
            assertThat(ledger.usage(byUser)).extracting(UsageRow::key).containsExactly("alice", "carol@corp.com");
            assertThat(ledger.costs(byUser)).containsOnly(java.util.Map.entry("alice", 100L), java.util.Map.entry("carol@corp.com", 30L));
            assertThat(ledger.totals(byUser.withPerson("alice")).costNanos()).isEqualTo(100);
            assertThat(ledger.totals(byUser.withPerson("carol")).requests()).isZero();
            UsageMatrix matrix = new UsageMatrix(ledger);
            UsageQuery byModel = byUser.withBy(Dimension.MODEL);
            assertThat(matrix.query(byModel, Dimension.USER)).extracting(UsageMatrix.Cell::column)
                    .containsExactly("alice", "carol@corp.com");

            // the same store, asked again once an alias exists: it is read at once
            People people = new People(store);
            people.add("carol", "platform");
            people.alias("carol", "carol@corp.com");
            assertThat(ledger.usage(byUser)).extracting(UsageRow::key).containsExactly("alice", "carol");
            assertThat(ledger.totals(byUser.withPerson("carol")).costNanos()).isEqualTo(30);
            assertThat(matrix.query(byModel, Dimension.USER)).extracting(UsageMatrix.Cell::column).containsExactly("alice", "carol");
            assertThat(ledger.usage(byUser.withBy(Dimension.TEAM))).extracting(UsageRow::key, UsageRow::costNanos).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("(none)", 100L), org.assertj.core.groups.Tuple.tuple("platform", 30L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void daysAndHoursAreCutExactlyInZonesWithQuarterHourOffsets(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            // Kathmandu is UTC+05:45: local midnight of Jan 6 is 18:15 UTC on Jan 5.
            ledger.write(List.of(priced("before", "2026-01-05T18:14:59Z", "a", 1),
                    priced("after", "2026-01-05T18:15:00Z", "a", 10)));

            List<UsageRow> days = ledger.usage(UsageQuery.of(FROM, TO, Dimension.DAY, ZoneId.of("Asia/Kathmandu")));
            assertThat(days).extracting(UsageRow::key, UsageRow::costNanos).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("2026-01-05", 1L), org.assertj.core.groups.Tuple.tuple("2026-01-06", 10L));

            // Kolkata is UTC+05:30: both records fall in its 23:00 hour of Jan 5.
            List<UsageRow> hours = ledger.usage(UsageQuery.of(FROM, TO, Dimension.HOUR, ZoneId.of("Asia/Kolkata")));
            assertThat(hours).extracting(UsageRow::key, UsageRow::costNanos)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("2026-01-05 23:00", 11L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theLargestRecordsComeFirstInTop(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(priced("small", "2026-01-05T10:00:00Z", "a", 1),
                    priced("big", "2026-01-05T10:00:00Z", "b", 1000),
                    priced("mid", "2026-01-05T10:00:00Z", "c", 50),
                    priced("outside", "2026-03-05T10:00:00Z", "c", 99999)));

            assertThat(ledger.top(FROM, TO, 2)).extracting(TopRequest::id).containsExactly("big", "mid");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void reopeningAStoreKeepsItsDataAndSchema(TestStores.Kind kind) {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store store = Store.open(config)) {
            new Ledger(store).write(List.of(priced("a", "2026-01-05T10:00:00Z", "alice", 100)));
        }
        try (Store store = Store.open(config)) {
            assertThat(totals(new Ledger(store)).costNanos()).isEqualTo(100);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void groupsByWeekMonthAndSession(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(event("a", "2026-01-04T10:00:00Z", "x").sessionId("s1").cost(1L, "v").build(),
                    event("b", "2026-01-05T10:00:00Z", "x").sessionId("s1").cost(2L, "v").build(),
                    event("c", "2026-01-31T23:30:00Z", "x").sessionId("s2").cost(4L, "v").build()));
            Instant to = Instant.parse("2026-03-01T00:00:00Z");

            assertThat(ledger.usage(UsageQuery.of(FROM, to, Dimension.WEEK, ZoneOffset.UTC)))
                    .extracting(UsageRow::key, UsageRow::costNanos).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("2025-12-29", 1L), org.assertj.core.groups.Tuple.tuple("2026-01-05", 2L),
                            org.assertj.core.groups.Tuple.tuple("2026-01-26", 4L));
            assertThat(ledger.usage(UsageQuery.of(FROM, to, Dimension.MONTH, ZoneId.of("Europe/Berlin"))))
                    .extracting(UsageRow::key, UsageRow::costNanos).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("2026-01", 3L), org.assertj.core.groups.Tuple.tuple("2026-02", 4L));
            assertThat(ledger.usage(UsageQuery.of(FROM, to, Dimension.SESSION, ZoneOffset.UTC)))
                    .extracting(UsageRow::key, UsageRow::requests).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("s2", 1L), org.assertj.core.groups.Tuple.tuple("s1", 2L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBatchLargerThanOneBulkLoadChunkIsStoredWhole(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 5_000; i++) { // ~1 MB of CSV on PostgreSQL: several COPY chunks
                batch.add(priced("big-" + i, Instant.parse("2026-01-05T00:00:00Z").plusSeconds(i).toString(), "dev" + i % 7, 3));
            }

            assertThat(ledger.write(batch).added()).isEqualTo(5_000);
            assertThat(ledger.write(batch).duplicates()).isEqualTo(5_000);
            assertThat(ledger.countRecords()).isEqualTo(5_000);
            assertThat(totals(ledger).costNanos()).isEqualTo(15_000);
        }
    }

    @org.junit.jupiter.api.Test
    void aBatchPostgresqlRefusesMidLoadIsStoredNotAtAllAndTheStoreWritesOn() {
        try (Store store = open(TestStores.Kind.POSTGRESQL)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                batch.add(priced("r-" + i, Instant.parse("2026-01-05T00:00:00Z").plusSeconds(i).toString(), "alice", 1));
            }
            batch.add(priced("bad", "2026-01-06T00:00:00Z", "nul\u0000byte", 1)); // a text PostgreSQL cannot hold, after the first chunks

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.write(batch)).isInstanceOf(StoreException.class);
            assertThat(ledger.countRecords()).isZero();
            for (int round = 0; round < 10; round++) { // every pooled connection is usable again
                ledger.write(List.of(priced("ok-" + round, "2026-01-07T00:00:00Z", "bob", 5)));
            }
            assertThat(ledger.countRecords()).isEqualTo(10);
            assertThat(totals(ledger).costNanos()).isEqualTo(50);
        }
    }
}
