package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/** Each record keeps the cloud region its call ran in; reports group and filter by it, "(none)" for records without one. */
class RegionsTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir Path dir;

    private static Map<String, Long> costBy(Ledger ledger, Dimension by, AnyOf filters) {
        return Events.costBy(ledger, FROM, TO, by, filters);
    }

    private static void writeRegions(Ledger ledger) {
        ledger.write(List.of(
                event("a", "2026-01-05T10:00:00Z", "alice").provider("bedrock").region("us-east-1").cost(100L, "v").build(),
                event("b", "2026-01-05T10:05:00Z", "bob").provider("bedrock").region("us-east-1").cost(20L, "v").build(),
                event("c", "2026-01-06T09:00:00Z", "bob").provider("bedrock").region("eu-west-1").cost(3000L, "v").build(),
                event("d", "2026-01-06T09:30:00Z", "carol").provider("vertex").region("us-east5").cost(400L, "v").build(),
                event("e", "2026-01-07T09:00:00Z", "carol").cost(50_000L, "v").build()));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void usageGroupsByRegionAndFirstPartyRecordsHaveNone(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            writeRegions(ledger);
            assertThat(costBy(ledger, Dimension.REGION, AnyOf.NONE)).containsExactly(Map.entry("(none)", 50_000L),
                    Map.entry("eu-west-1", 3000L), Map.entry("us-east5", 400L), Map.entry("us-east-1", 120L));
            // the other groupings are as they were
            assertThat(costBy(ledger, Dimension.USER, AnyOf.NONE)).containsExactly(Map.entry("carol", 50_400L),
                    Map.entry("bob", 3020L), Map.entry("alice", 100L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRegionFilterNarrowsReportsAndRawRecordsAndNoneSelectsRecordsWithoutOne(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            writeRegions(ledger);
            AnyOf useast1 = AnyOf.NONE.withRegions(List.of("us-east-1"));
            assertThat(costBy(ledger, Dimension.USER, useast1)).containsExactly(Map.entry("alice", 100L), Map.entry("bob", 20L));
            assertThat(costBy(ledger, Dimension.USER, AnyOf.NONE.withRegions(List.of("(none)"))))
                    .containsExactly(Map.entry("carol", 50_000L));
            assertThat(costBy(ledger, Dimension.REGION, AnyOf.NONE.withRegions(List.of("eu-west-1", "us-east5"))))
                    .containsExactly(Map.entry("eu-west-1", 3000L), Map.entry("us-east5", 400L));
            assertThat(new TopRequests(store).page(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC).withAnyOf(useast1), null, 10)
                    .rows()).extracting(r -> r.request().id()).containsExactly("a", "b");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theDaySeriesSplitsByRegionAndTheExportKeepsIt(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            writeRegions(ledger);
            List<UsageSeries.Point> points = new UsageSeries(store)
                    .query(UsageQuery.of(FROM, TO, Dimension.DAY, ZoneOffset.UTC), Dimension.REGION);
            assertThat(points).extracting(p -> p.period().toLocalDate() + " " + p.split() + " " + p.usage().costNanos())
                    .containsExactly("2026-01-05 us-east-1 120", "2026-01-06 eu-west-1 3000", "2026-01-06 us-east5 400",
                            "2026-01-07 (none) 50000");
            Map<String, String> regions = new LinkedHashMap<>();
            ledger.scan(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC), e -> regions.put(e.id(), e.region()));
            assertThat(regions).containsEntry("c", "eu-west-1").containsEntry("d", "us-east5").containsEntry("e", null);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aSupersededRecordLeavesItsRegionsRollupAndTheNewOneCountsUnderItsOwn(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            // telemetry reported the call first (no region known there), then the provider log of the same request
            ledger.write(List.of(event("gw_1", "2026-01-05T10:00:00Z", "alice").source(Source.OTEL_METRIC)
                    .provider("bedrock").requestId("req-1").cost(100L, "v").build()));
            ledger.write(List.of(event("bedrock:req-1", "2026-01-05T10:00:01Z", "alice").source(Source.PROVIDER_LOG)
                    .provider("bedrock").requestId("req-1").region("us-west-2").cost(100L, "v").build()));
            assertThat(costBy(ledger, Dimension.REGION, AnyOf.NONE)).containsExactly(Map.entry("us-west-2", 100L));
        }
    }
}
