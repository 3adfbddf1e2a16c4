package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.identity.People;
import tally.pricing.PriceCatalog;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * Which report of a request or a session counts when several sources report it, and whose reports
 * one record may replace: only its own person's (a client names request and session ids itself),
 * never with an empty copy.
 */
class SourcePrecedenceTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir Path dir;

    Store open(TestStores.Kind kind) {
        return Store.open(TestStores.config(kind, dir));
    }

    private static Map<String, Long> costByUser(Ledger ledger) {
        return Events.costBy(ledger, FROM, TO, Dimension.USER, AnyOf.NONE);
    }

    private static Map<String, Long> costBySource(Ledger ledger) {
        return Events.costBy(ledger, FROM, TO, Dimension.SOURCE, AnyOf.NONE);
    }

    private static UsageEvent transcript(String id, String who, String requestId, long cost) {
        return event(id, "2026-01-05T10:00:03Z", who).source(Source.TRANSCRIPT).requestId(requestId).sessionId("s1")
                .cost(cost, "v").build();
    }

    private static UsageEvent otelEvent(String id, String who, String requestId, TokenCounts tokens, long cost) {
        return event(id, "2026-01-05T10:00:01Z", who).source(Source.OTEL_EVENT).requestId(requestId).sessionId("s1")
                .tokens(tokens).cost(cost, "v").build();
    }

    private static UsageEvent metric(String id, String who, String session, long cost) {
        return event(id, "2026-01-05T10:05:00Z", who).source(Source.OTEL_METRIC).sessionId(session).cost(cost, "v").build();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anEventNamingAnotherPersonsRequestIdReplacesNothingOfTheirs(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(transcript("t1", "alice", "req_1", 900)));

            WriteResult r = ledger.write(List.of(otelEvent("o1", "carol", "req_1", TokenCounts.of(1, 1), 2)));

            assertThat(r).isEqualTo(new WriteResult(1, 0, 0));
            assertThat(costByUser(ledger)).containsEntry("alice", 900L).containsEntry("carol", 2L);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anotherPersonsEarlierEventDoesNotDropATranscriptOfTheSameRequestId(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(otelEvent("o1", "carol", "req_1", TokenCounts.of(1, 1), 2)));

            assertThat(ledger.write(List.of(transcript("t1", "alice", "req_1", 900)))).isEqualTo(new WriteResult(1, 0, 0));
            assertThat(ledger.write(List.of(otelEvent("o2", "carol", "req_1", TokenCounts.of(1, 1), 2),
                    transcript("t2", "alice", "req_2", 5)))).isEqualTo(new WriteResult(1, 1, 0));
            assertThat(costByUser(ledger)).containsEntry("alice", 905L).containsEntry("carol", 2L);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void withinOneBatchACopyReplacesOnlyItsOwnPersonsCopy(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            WriteResult r = ledger.write(List.of(transcript("t1", "alice", "req_1", 900),
                    otelEvent("o1", "carol", "req_1", TokenCounts.of(1, 1), 2),
                    otelEvent("o2", "alice", "req_1", TokenCounts.of(100, 10), 1000)));

            assertThat(r).isEqualTo(new WriteResult(2, 1, 0));
            assertThat(costByUser(ledger)).containsEntry("alice", 1000L).containsEntry("carol", 2L);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void unlinkedIdentitiesReportingTheSameCountsAreOneCall(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            UsageEvent imported = transcript("t1", "alice", "req_1", 900); // imported under the login name
            ledger.write(List.of(imported));

            // the same call from telemetry that names the installation, never aliased to alice
            assertThat(ledger.write(List.of(otelEvent("o1", "user-7f3a", "req_1", imported.tokens(), 900))))
                    .isEqualTo(new WriteResult(1, 0, 1));
            assertThat(costBySource(ledger)).containsExactly(Map.entry("otel-event", 900L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void identitiesAliasedToOnePersonAreOnePersonsCopies(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            People people = new People(store);
            people.add("alice", null);
            people.alias("alice", "alice@corp.com");
            ledger.write(List.of(transcript("t1", "alice", "req_1", 900)));

            assertThat(ledger.write(List.of(otelEvent("o1", "alice@corp.com", "req_1", TokenCounts.of(100, 10), 1000))))
                    .isEqualTo(new WriteResult(1, 0, 1));
            assertThat(costBySource(ledger)).containsExactly(Map.entry("otel-event", 1000L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theGatewaysCopyStandsForAnyonesSinceItsRequestIdIsTheProvidersOwn(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(otelEvent("o1", "alice@corp.com", "req_1", TokenCounts.of(100, 10), 1000)));

            ledger.write(List.of(event("g1", "2026-01-05T10:00:00Z", "key:abc").source(Source.GATEWAY)
                    .requestId("req_1").cost(1100L, "v").build()));

            assertThat(costBySource(ledger)).containsExactly(Map.entry("gateway", 1100L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anEmptyCopyNeverWipesARealOneAndARealOneReplacesAnEmptyOne(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(transcript("t1", "alice", "req_1", 900)));
            assertThat(ledger.write(List.of(otelEvent("o1", "alice", "req_1", TokenCounts.ZERO, 0))))
                    .isEqualTo(new WriteResult(0, 1, 0));

            ledger.write(List.of(otelEvent("o2", "alice", "req_2", TokenCounts.ZERO, 0)));
            assertThat(ledger.write(List.of(transcript("t2", "alice", "req_2", 700))))
                    .isEqualTo(new WriteResult(1, 0, 1));

            assertThat(costBySource(ledger)).containsExactly(Map.entry("transcript", 1600L));
            assertThat(ledger.totals(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC)).requests()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anEventTakesBackOnlyItsOwnPersonsMetricsOfASession(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(metric("m1", "alice", "s1", 500)));

            assertThat(ledger.write(List.of(otelEvent("o1", "carol", "req_9", TokenCounts.of(1, 1), 2))))
                    .isEqualTo(new WriteResult(1, 0, 0));
            assertThat(ledger.write(List.of(metric("m2", "alice", "s1", 300)))).isEqualTo(new WriteResult(1, 0, 0));
            assertThat(costByUser(ledger)).containsEntry("alice", 800L).containsEntry("carol", 2L);

            assertThat(ledger.write(List.of(otelEvent("o2", "alice", "req_8", TokenCounts.of(100, 10), 1000))))
                    .isEqualTo(new WriteResult(1, 0, 2));
            assertThat(ledger.write(List.of(metric("m3", "alice", "s1", 300)))).isEqualTo(new WriteResult(0, 1, 0));
            assertThat(costByUser(ledger)).containsEntry("alice", 1000L).containsEntry("carol", 2L);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTranscriptOfASessionTakesBackItsPersonsTokenMetricsInEitherOrder(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(metric("m1", "alice", "s1", 500), metric("m2", "alice", "s2", 400)));

            assertThat(ledger.write(List.of(transcript("t1", "alice", "req_1", 900)))).isEqualTo(new WriteResult(1, 0, 1));
            assertThat(ledger.write(List.of(metric("m3", "alice", "s1", 300)))).isEqualTo(new WriteResult(0, 1, 0));

            assertThat(costBySource(ledger)).containsEntry("transcript", 900L).containsEntry("otel-metric", 400L);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aResumedTranscriptsCopyOfARequestCountedUnderItsFirstSessionStillMetersItsOwnSession(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(metric("m1", "alice", "s1", 500), metric("m2", "alice", "s2", 400)));
            UsageEvent first = transcript("t1", "alice", "req_1", 900);
            UsageEvent resumed = event("t2", "2026-01-05T10:00:03Z", "alice").source(Source.TRANSCRIPT).requestId("req_1")
                    .sessionId("s2").cost(900L, "v").build();

            assertThat(ledger.write(List.of(first, resumed))).isEqualTo(new WriteResult(1, 1, 2));
            ledger.write(List.of(metric("m3", "alice", "s3", 300)));
            assertThat(ledger.write(List.of(transcript("t1", "alice", "req_1", 900),
                    event("t3", "2026-01-05T10:00:03Z", "alice").source(Source.TRANSCRIPT).requestId("req_1")
                            .sessionId("s3").cost(900L, "v").build()))).isEqualTo(new WriteResult(0, 2, 1));

            assertThat(costBySource(ledger)).containsExactly(Map.entry("transcript", 900L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTranscriptOfAnotherPersonsSessionIdTakesNothingBack(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(metric("m1", "alice", "s1", 500)));

            ledger.write(List.of(transcript("t1", "carol", "req_1", 900)));

            assertThat(costByUser(ledger)).containsEntry("alice", 500L).containsEntry("carol", 900L);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theGatewaysRecordsOfASessionTakeBackItsPersonsTokenMetricsInEitherOrder(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            People people = new People(store);
            people.add("alice", null);
            people.alias("alice", "alice@corp.com");
            ledger.write(List.of(metric("m1", "alice@corp.com", "s1", 500)));

            UsageEvent gateway = event("g1", "2026-01-05T10:00:00Z", "alice").source(Source.GATEWAY).requestId("req_1")
                    .sessionId("s1").cost(1100L, "v").build();
            assertThat(ledger.write(List.of(gateway))).isEqualTo(new WriteResult(1, 0, 1));
            assertThat(ledger.write(List.of(metric("m2", "alice@corp.com", "s1", 300)))).isEqualTo(new WriteResult(0, 1, 0));

            assertThat(costBySource(ledger)).containsExactly(Map.entry("gateway", 1100L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aFailedRequestOfASessionLeavesItsTokenMetricsCounted(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(metric("m1", "alice", "s1", 500)));

            ledger.write(List.of(event("g1", "2026-01-05T10:00:00Z", "alice").source(Source.GATEWAY).sessionId("s1")
                    .tokens(TokenCounts.ZERO).status(529).cost(0L, "v").build()));

            assertThat(costBySource(ledger)).containsEntry("otel-metric", 500L);
        }
    }

    // ---------------------------------------------------------------- token metrics without a session id

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void sessionlessTokenMetricsOfAPersonWhoseEventsCoverTheirIntervalAreTakenBackInEitherOrder(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            UsageEvent covered = metric("m1", "alice", null, 500);
            UsageEvent later = event("m2", "2026-01-05T11:00:00Z", "alice").source(Source.OTEL_METRIC).cost(400L, "v").build();
            ledger.write(List.of(covered, later));

            assertThat(ledger.write(List.of(otelEvent("o1", "alice", "req_1", TokenCounts.of(100, 10), 1000))))
                    .isEqualTo(new WriteResult(1, 0, 1));
            assertThat(ledger.write(List.of(metric("m3", "alice", null, 300)))).isEqualTo(new WriteResult(0, 1, 0));
            assertThat(ledger.write(List.of(metric("m4", "alice", null, 300), otelEvent("o2", "alice", "req_2",
                    TokenCounts.of(100, 10), 1000)))).isEqualTo(new WriteResult(1, 1, 0));

            assertThat(costBySource(ledger)).containsEntry("otel-event", 2000L).containsEntry("otel-metric", 400L);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void sessionlessTokenMetricsStayWhenTheEventsAreAnotherPersonsOrAnotherModels(TestStores.Kind kind) {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(metric("m1", "alice", null, 500),
                    event("m2", "2026-01-05T10:05:00Z", "alice").source(Source.OTEL_METRIC).model("claude-opus-4-1").cost(400L, "v").build()));

            ledger.write(List.of(otelEvent("o1", "carol", "req_1", TokenCounts.of(1, 1), 2),
                    event("o2", "2026-01-05T10:00:01Z", "alice").source(Source.OTEL_EVENT).requestId("req_2")
                            .model("claude-haiku-4-5-20251001").cost(10L, "v").build()));

            assertThat(costByUser(ledger)).containsEntry("alice", 910L).containsEntry("carol", 2L);
        }
    }

    // ---------------------------------------------------------------- what the lower copy knew better

    private static final PriceCatalog PRICES = PriceCatalog.bundled();

    /** Claude Code's transcript of one opus request: 1,500 one-hour cache writes, pinned to the US. */
    private static UsageEvent opusTranscript() {
        return PRICES.price(event("t1", "2026-01-05T10:00:03Z", "alice").source(Source.TRANSCRIPT).requestId("req_1")
                .modelId("claude-opus-4-1-20250805").tokens(new TokenCounts(3, 0, 1500, 20_000, 40)).inferenceGeo("us")
                .cost(null, null).build());
    }

    /** Its api_request event: one cache-creation count, read as five-minute writes, and no geo. */
    private static UsageEvent opusEvent() {
        return PRICES.price(event("o1", "2026-01-05T10:00:01Z", "alice").source(Source.OTEL_EVENT).requestId("req_1")
                .modelId("claude-opus-4-1-20250805").tokens(new TokenCounts(3, 1500, 0, 20_000, 40)).cost(null, null).build());
    }

    private static void assertPricedAsTheTranscript(Ledger ledger) throws Exception {
        UsageEvent transcript = opusTranscript();
        List<UsageEvent> stored = new java.util.ArrayList<>();
        ledger.scan(FROM, TO, stored::add);
        assertThat(stored).hasSize(1);
        UsageEvent counted = stored.get(0);
        assertThat(counted.source()).isEqualTo(Source.OTEL_EVENT);
        assertThat(counted.tokens()).isEqualTo(transcript.tokens());
        assertThat(counted.inferenceGeo()).isEqualTo("us");
        assertThat(counted.costNanos()).isEqualTo(transcript.costNanos()).isGreaterThan(opusEvent().costNanos());
        assertThat(costBySource(ledger)).containsExactly(Map.entry("otel-event", transcript.costNanos()));
    }

    @org.junit.jupiter.api.Test
    void onlyARecordSomeSourceOutranksThatCarriesDetailCanTeachAStoredCopy() {
        UsageEvent transcript = opusTranscript();
        assertThat(KeptDetail.mayTeachStored(List.of(opusEvent(), transcript))).isTrue();
        assertThat(KeptDetail.mayTeachStored(List.of(opusEvent()))).as("no 1h writes, geo or fast").isFalse();
        UsageEvent gateway = event("g1", "2026-01-05T10:00:02Z", "alice").source(Source.GATEWAY).requestId("req_1")
                .modelId("claude-opus-4-1-20250805").tokens(new TokenCounts(3, 0, 1500, 20_000, 40)).inferenceGeo("us").fast(true).build();
        assertThat(KeptDetail.mayTeachStored(List.of(gateway))).as("nothing outranks the gateway's copy").isFalse();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anEventReplacingATranscriptKeepsItsOneHourCacheWritesAndGeo(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(opusTranscript()), PRICES::price);

            assertThat(ledger.write(List.of(opusEvent()), PRICES::price)).isEqualTo(new WriteResult(1, 0, 1));

            assertPricedAsTheTranscript(ledger);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTranscriptArrivingAfterItsEventGivesTheStoredEventItsSplit(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(opusEvent()), PRICES::price);

            assertThat(ledger.write(List.of(opusTranscript()), PRICES::price)).isEqualTo(new WriteResult(0, 1, 0));
            assertThat(ledger.write(List.of(opusTranscript()), PRICES::price)).isEqualTo(new WriteResult(0, 1, 0));

            assertPricedAsTheTranscript(ledger);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void inOneBatchTheEventTakesTheTranscriptsSplit(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);

            assertThat(ledger.write(List.of(opusTranscript(), opusEvent()), PRICES::price)).isEqualTo(new WriteResult(1, 1, 0));

            assertPricedAsTheTranscript(ledger);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void cacheWritesThatDisagreeInAllKeepTheCountedCopysOwn(TestStores.Kind kind) throws Exception {
        try (Store store = open(kind)) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(opusTranscript()), PRICES::price);
            UsageEvent event = opusEvent();
            UsageEvent other = PRICES.price(event.withTokens(new TokenCounts(3, 1400, 0, 20_000, 40)));

            ledger.write(List.of(other), PRICES::price);

            List<UsageEvent> stored = new java.util.ArrayList<>();
            ledger.scan(FROM, TO, stored::add);
            assertThat(stored).singleElement().satisfies(e -> {
                assertThat(e.tokens()).isEqualTo(new TokenCounts(3, 1400, 0, 20_000, 40));
                assertThat(e.inferenceGeo()).isEqualTo("us");
            });
        }
    }
}
