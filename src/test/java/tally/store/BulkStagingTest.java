package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import's large batches (on DuckDB staged with their repeating texts as ENUMs, {@link EnumStaging})
 * store exactly the records written, every text as given, once each: duplicates within a batch,
 * across the batches of one transaction and against records stored before are dropped, and the
 * rollups hold what the ledger holds. The same on both stores.
 */
class BulkStagingTest {
    @TempDir Path dir;

    private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
    /** Texts an SQL literal must carry exactly: quotes, non-ASCII, a surrogate pair, the empty string. */
    private static final String[] PROJECTS = {"/home/it's/app", "/srv/项目", "/tmp/\uD83D\uDE00 emoji", "", "/home/dev/a-long-working-directory"};
    private static final String[] MODELS = {"claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1"};

    private static UsageEvent record(String id, int i, String requestId) {
        return UsageEvent.builder().id(id).time(T0.plusSeconds(i)).source(Source.TRANSCRIPT)
                .provider(i % 7 == 0 ? "amazon-bedrock" : "anthropic")
                .identity(i % 5 == 0 ? "zoë" : "dev" + (i % 3))
                .team(i % 4 == 0 ? null : "team 'a'")
                .project(PROJECTS[i % PROJECTS.length])
                .sessionId("session-" + (i / 2)) // more distinct values than an ENUM is made of: stays text
                .requestId(requestId)
                .modelId(MODELS[i % MODELS.length])
                .tokens(TokenCounts.of(i, 1))
                .cost(i % 11 == 0 ? null : i * 1_000L, i % 11 == 0 ? null : "2026-08-21")
                .region(i % 6 == 0 ? null : "eu-west-1")
                .build();
    }

    private static UsageEvent record(int i) {
        return record("t-" + i, i, "req-" + i);
    }

    private static List<UsageEvent> records(int from, int to) {
        List<UsageEvent> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(record(i));
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void largeBatchesStoreEveryRecordOnceWithItsTextsAsGiven(TestStores.Kind kind) throws Exception {
        assertThat(EnumStaging.MIN_BATCH).as("the batches below are large enough to be staged as ENUMs").isLessThan(5_000);
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(record(10), record(20)), null); // stored before the import

            List<UsageEvent> first = records(0, 5_000);
            first.add(record(30)); // twice in one batch
            List<UsageEvent> second = records(5_000, 10_000);
            second.addAll(records(100, 200)); // again, in the next batch of the same transaction
            for (int j = 0; j < 50; j++) second.add(record("u-" + j, 300 + j, "req-" + (300 + j))); // a request already staged
            try (BulkWrite bulk = ledger.bulk()) {
                WriteResult a = bulk.write(first, null);
                assertThat(a.added()).isEqualTo(4_998);
                assertThat(a.duplicates()).isEqualTo(3);
                WriteResult b = bulk.write(second, null);
                assertThat(b.added()).isEqualTo(5_000);
                assertThat(b.duplicates()).isEqualTo(150);
                bulk.commit();
            }

            List<UsageEvent> expected = records(0, 10_000);
            List<UsageEvent> stored = new ArrayList<>();
            ledger.scan(T0, T0.plusSeconds(20_000), stored::add);
            Comparator<UsageEvent> byId = Comparator.comparing(UsageEvent::id);
            stored.sort(byId);
            expected.sort(byId);
            assertThat(stored).as("every record once, every text as written").containsExactlyElementsOf(expected);

            Map<String, Long> requests = new TreeMap<>();
            for (UsageEvent e : expected) requests.merge(e.identity(), 1L, Long::sum);
            Map<String, Long> rolled = new TreeMap<>();
            for (UsageRow r : ledger.usage(UsageQuery.of(T0, T0.plusSeconds(86_400), Dimension.USER, ZoneOffset.UTC))) {
                rolled.put(r.key(), r.requests());
            }
            assertThat(rolled).as("the rollups hold what the ledger holds").isEqualTo(requests);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTextNoEnumCanHoldIsStoredAsTheSmallBatchesStoreIt(TestStores.Kind kind) throws Exception {
        String lone = "/home/x\uD800y"; // a lone surrogate: no SQL literal carries it
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> batch = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                UsageEvent e = record(i);
                batch.add(i == 7 ? UsageEvent.builder().id(e.id()).time(e.time()).source(e.source()).identity(e.identity())
                        .project(lone).modelId(e.modelId()).tokens(e.tokens()).build() : e);
            }
            ledger.write(List.of(UsageEvent.builder().id("small").time(T0).source(Source.TRANSCRIPT).identity("dev")
                    .project(lone).modelId(MODELS[0]).tokens(TokenCounts.of(1, 1)).build()), null);
            try (BulkWrite bulk = ledger.bulk()) {
                assertThat(bulk.write(batch, null).added()).isEqualTo(5_000);
                bulk.commit();
            }
            List<String> projects = new ArrayList<>();
            ledger.scan(T0, T0.plusSeconds(8), e -> {
                if (e.id().equals("small") || e.id().equals("t-7")) projects.add(e.project());
            });
            assertThat(projects).hasSize(2);
            assertThat(projects.get(1)).isEqualTo(projects.get(0));
        }
    }
    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aLargeBatchOfProviderLogsStillTakesThePersonOfTheTelemetryOfTheSameCall(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(UsageEvent.builder().id("otel-1").time(T0.plusSeconds(100)).source(Source.OTEL_EVENT)
                    .identity("alice").team("platform").modelId(MODELS[0]).tokens(TokenCounts.of(777, 7)).build()), null);
            List<UsageEvent> logs = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                logs.add(UsageEvent.builder().id("log-" + i).time(T0.plusSeconds(i)).source(Source.PROVIDER_LOG)
                        .identity("arn:aws:iam::1:role/shared").modelId(MODELS[0])
                        .tokens(i == 101 ? TokenCounts.of(777, 7) : TokenCounts.of(1, 1)).build());
            }
            try (BulkWrite bulk = ledger.bulk()) {
                bulk.write(logs, null);
                bulk.commit();
            }
            Map<String, String> who = new TreeMap<>();
            ledger.scan(T0, T0.plusSeconds(200), e -> {
                if (e.id().equals("log-101") || e.id().equals("otel-1")) who.put(e.id(), e.identity() + "/" + e.team());
            });
            assertThat(who).as("the log kept, with the telemetry's person; the telemetry taken back")
                    .containsExactly(Map.entry("log-101", "alice/platform"));
            assertThat(ledger.countRecords()).isEqualTo(5_000);
        }
    }

    /** A transcript of one file: no team, request id, latency, region or geo on any record. */
    private static UsageEvent bare(int i) {
        return UsageEvent.builder().id("b-" + i).time(T0.plusSeconds(i)).source(Source.TRANSCRIPT).identity("dev")
                .project("/home/dev/app").sessionId("s-1").modelId(MODELS[0]).tokens(TokenCounts.of(i, 1)).build();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aLargeBatchWithoutTeamsRequestIdsLatenciesRegionsOrGeosStoresThemAsNoneAndStampsItsArrival(TestStores.Kind kind)
            throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> batch = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) batch.add(bare(i));
            long before = System.currentTimeMillis();
            assertThat(ledger.write(batch, null).added()).isEqualTo(5_000);

            List<UsageEvent> stored = new ArrayList<>();
            ledger.scan(T0, T0.plusSeconds(5_000), stored::add);
            stored.sort(Comparator.comparing(UsageEvent::id));
            batch.sort(Comparator.comparing(UsageEvent::id));
            assertThat(stored).as("every column the batch left empty reads as none").containsExactlyElementsOf(batch);
            try (java.sql.Connection c = store.connection()) {
                long arrived = Jdbc.query(c, "SELECT count(*) FROM usage_events WHERE stored_ms >= ?", List.of(before),
                        rs -> rs.getLong(1)).get(0);
                assertThat(arrived).as("each stamped as it was stored").isEqualTo(5_000);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aLargeBatchOfGatewayRecordsWithoutGeosStillTakesTheGeoOfTheTranscriptItReplaces(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            UsageEvent transcript = UsageEvent.builder().id("t-1").time(T0.plusSeconds(1)).source(Source.TRANSCRIPT)
                    .identity("dev").requestId("req-1").modelId(MODELS[0]).tokens(TokenCounts.of(1, 1)).inferenceGeo("us").build();
            ledger.write(List.of(transcript), null);
            List<UsageEvent> gateway = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                gateway.add(UsageEvent.builder().id("g-" + i).time(T0.plusSeconds(i)).source(Source.GATEWAY).identity("dev")
                        .requestId("req-" + i).modelId(MODELS[0]).tokens(TokenCounts.of(1, 1)).build());
            }
            assertThat(ledger.write(gateway, null).superseded()).isEqualTo(1);

            Map<String, String> geos = new TreeMap<>();
            ledger.scan(T0, T0.plusSeconds(5), e -> geos.put(e.id(), String.valueOf(e.inferenceGeo())));
            assertThat(geos).as("the gateway's copy counts, pinned where its transcript said")
                    .containsExactly(Map.entry("g-0", "null"), Map.entry("g-1", "us"), Map.entry("g-2", "null"),
                            Map.entry("g-3", "null"), Map.entry("g-4", "null"));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aLargeBatchHoldingOneValueInAColumnStoresThatValueInEveryRecord(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> batch = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                batch.add(UsageEvent.builder().id("c-" + i).time(T0.plusSeconds(i)).source(Source.TRANSCRIPT)
                        .provider("amazon-bedrock").identity("zoë").team("team 'a'").project("/srv/项目").sessionId("s-1")
                        .requestId("req-" + i).modelId(MODELS[1]).tokens(new TokenCounts(i, 7, 9, 0, 1)).webSearches(3)
                        .batch(true).fast(true).cost(5_000L, "2026-08-21").latencyMs(1_234L).status(529)
                        .region("eu-west-1").inferenceGeo("us").build());
            }
            try (BulkWrite bulk = ledger.bulk()) {
                assertThat(bulk.write(batch, null).added()).isEqualTo(5_000);
                bulk.commit();
            }
            List<UsageEvent> stored = new ArrayList<>();
            ledger.scan(T0, T0.plusSeconds(5_000), stored::add);
            stored.sort(Comparator.comparing(UsageEvent::id));
            batch.sort(Comparator.comparing(UsageEvent::id));
            assertThat(stored).as("every record with every value as written").containsExactlyElementsOf(batch);
        }
    }
}
