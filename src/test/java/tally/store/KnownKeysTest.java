package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Source;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which records of an import's batch may meet a stored copy by key, and which cannot. */
class KnownKeysTest {
    @TempDir Path dir;

    private static final String AT = "2026-11-02T10:00:00Z";

    private static UsageEvent record(String id, String requestId) {
        return record(id, requestId, AT);
    }

    private static UsageEvent record(String id, String requestId, String at) {
        return Events.event(id, at, "dev").source(Source.TRANSCRIPT).requestId(requestId).build();
    }

    private static long ms(String at) {
        return Instant.parse(at).toEpochMilli();
    }

    private KnownKeys onEmptyLedger() throws Exception {
        try (Store store = Store.open(TestStores.config(TestStores.Kind.DUCKDB, dir)); Connection c = store.connection()) {
            return KnownKeys.of(c);
        }
    }

    private static KnownKeys.Split learn(KnownKeys known, List<UsageEvent> batch) {
        long lo = batch.stream().mapToLong(e -> e.time().toEpochMilli()).min().orElseThrow();
        long hi = batch.stream().mapToLong(e -> e.time().toEpochMilli()).max().orElseThrow();
        return known.learn(batch, lo, hi, true);
    }

    @Test
    void recordsSharingAKeyWithAnEarlierBatchMayMeetItsCopyTheRestCannot() throws Exception {
        KnownKeys known = onEmptyLedger();
        KnownKeys.Split first = learn(known, List.of(record("a", "req-a"), record("b", "req-b"), record("c", null)));
        assertThat(first.mayMeet()).as("nothing was stored before").isEmpty();

        KnownKeys.Split second = learn(known, List.of(
                record("a", "req-a"),     // the same record again
                record("gw-b", "req-b"),  // another copy of request b
                record("c", null),        // a record without a request id, by its id
                record("d", "req-d"),     // new
                record("e", null)));      // new
        assertThat(second.mayMeet()).extracting(UsageEvent::id).containsExactly("a", "gw-b", "c");
        assertThat(second.cannot()).extracting(UsageEvent::id).containsExactly("d", "e");
    }

    @Test
    void everyRecordOfARequestGoesWithOneThatMayMeetACopy() throws Exception {
        KnownKeys known = onEmptyLedger();
        learn(known, List.of(record("a", "req-a")));
        KnownKeys.Split split = learn(known, List.of(record("x", "req-x"), record("a", "req-x"), record("y", "req-y")));
        assertThat(split.mayMeet()).as("a is known, and x shares its request id").extracting(UsageEvent::id)
                .containsExactly("x", "a");
        assertThat(split.cannot()).extracting(UsageEvent::id).containsExactly("y");
    }

    @Test
    void aBatchReachingRecordsStoredBeforeTheBulkWriteIsProbedWhole() throws Exception {
        try (Store store = Store.open(TestStores.config(TestStores.Kind.DUCKDB, dir))) {
            new Ledger(store).write(List.of(record("old", "req-old", "2026-11-01T12:00:00Z")));
            KnownKeys known;
            try (Connection c = store.connection()) {
                known = KnownKeys.of(c);
            }
            assertThat(known.storedAtStart()).isEqualTo(1);
            List<UsageEvent> near = List.of(record("n", "req-n", "2026-11-01T13:59:00Z")); // within the request-id margin
            assertThat(known.learn(near, ms("2026-11-01T13:59:00Z"), ms("2026-11-01T13:59:00Z"), true)).isNull();
            List<UsageEvent> later = List.of(record("l", "req-l", "2026-11-01T14:01:00Z"));
            assertThat(known.learn(later, ms("2026-11-01T14:01:00Z"), ms("2026-11-01T14:01:00Z"), true).cannot())
                    .extracting(UsageEvent::id).containsExactly("l");
            List<UsageEvent> earlier = List.of(record("e", "req-e", "2026-11-01T09:59:00Z"));
            assertThat(known.learn(earlier, ms("2026-11-01T09:59:00Z"), ms("2026-11-01T09:59:00Z"), true).cannot())
                    .extracting(UsageEvent::id).containsExactly("e");
        }
    }

    @Test
    void aBatchThatMayNotBeSplitIsStillLearnt() throws Exception {
        KnownKeys known = onEmptyLedger();
        assertThat(learnUnsplittable(known, List.of(record("a", "req-a")))).isNull();
        assertThat(learn(known, List.of(record("a2", "req-a"))).mayMeet()).extracting(UsageEvent::id).containsExactly("a2");
    }

    private static KnownKeys.Split learnUnsplittable(KnownKeys known, List<UsageEvent> batch) {
        return known.learn(batch, ms(AT), ms(AT), false);
    }

    @Test
    void theTableGrowsWithoutForgettingAKey() throws Exception {
        KnownKeys known = onEmptyLedger();
        List<UsageEvent> many = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) many.add(record("cc:msg_" + i, "req_" + i));
        assertThat(learn(known, many).mayMeet()).isEmpty();
        assertThat(known.size()).isEqualTo(400_000);
        List<UsageEvent> again = new ArrayList<>();
        for (int i = 0; i < 200_000; i += 1_000) again.add(record("copy-" + i, "req_" + i));
        again.add(record("cc:msg_new", "req_new"));
        KnownKeys.Split split = learn(known, again);
        assertThat(split.mayMeet()).hasSize(200);
        assertThat(split.cannot()).extracting(UsageEvent::id).containsExactly("cc:msg_new");
    }

    @Test
    void keysOfOneKindNeverStandForTheOther() throws Exception {
        KnownKeys known = onEmptyLedger();
        learn(known, List.of(record("same", null)));
        assertThat(learn(known, List.of(record("other", "same"))).cannot()).as("an id is not a request id")
                .extracting(UsageEvent::id).containsExactly("other");
    }

    @Test
    void anImportsBatchMaySplitAMixOfSourcesOrOfTelemetryMayNot() {
        assertThat(LedgerWriter.splittable(List.of(record("a", "req-a"), record("b", null)))).isTrue();
        UsageEvent gateway = Events.event("g", AT, "dev").source(Source.GATEWAY).requestId("req-g").build();
        assertThat(LedgerWriter.splittable(List.of(gateway))).isTrue();
        assertThat(LedgerWriter.splittable(List.of(record("a", "req-a"), gateway))).as("two sources").isFalse();
        for (Source tied : List.of(Source.OTEL_METRIC, Source.OTEL_EVENT, Source.PROVIDER_LOG)) {
            assertThat(LedgerWriter.splittable(List.of(Events.event("t", AT, "dev").source(tied).build()))).as(tied.label()).isFalse();
        }
    }

    @Test
    void aFullTableSplitsNoBatchAnyMore() {
        KnownKeys known = new KnownKeys(0, 0, 0, 1 << 16); // 52,428 keys at most
        List<UsageEvent> first = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) first.add(record("a" + i, "req-a" + i));
        assertThat(learn(known, first)).isNotNull();
        List<UsageEvent> second = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) second.add(record("b" + i, "req-b" + i));
        assertThat(learn(known, second)).as("its keys did not all fit").isNull();
        assertThat(known.full()).isTrue();
        assertThat(learn(known, List.of(record("c", "req-c")))).as("what was stored is no longer all known").isNull();
    }
}
