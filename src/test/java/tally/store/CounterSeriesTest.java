package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.CounterPoint;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The saved state of a cumulative counter is the authority: the ledger counts each point a record
 * carries again against it, in the write transaction, whatever the collector that sent it knew.
 */
class CounterSeriesTest {
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final UnaryOperator<UsageEvent> PRICER = e -> e.withPrice(e.model(), e.tokens().input() * 3_000, "test");

    @TempDir Path dir;

    /** A metric-derived record at minute {@code m}: the counter reads {@code value}, the collector counted {@code counted}. */
    private static UsageEvent point(String id, int m, double value, long counted) {
        Instant at = T0.plusSeconds(60L * m);
        long nanos = at.getEpochSecond() * 1_000_000_000L;
        return UsageEvent.builder().id(id).time(at).source(Source.OTEL_METRIC).identity("bob").sessionId("s1")
                .modelId("claude-sonnet-4-5-20250929").tokens(new TokenCounts(counted, 0, 0, 0, 0))
                .counter(new CounterPoint("series-1", 0, nanos, value, counted, CounterPoint.Part.INPUT))
                .cost(counted * 3_000, "test").build();
    }

    private static UsageRow totals(Ledger ledger) {
        return ledger.totals(UsageQuery.of(T0.minusSeconds(3600), T0.plusSeconds(3600), Dimension.USER, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void eachPointCountsWhatItAddsToTheSavedStateNoMatterWhatTheSenderKnew(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(point("m1", 1, 100, 100), point("m2", 2, 150, 50)), PRICER);

            // a collector that never saw the series (restarted, or another replica) counted the whole value
            WriteResult r = ledger.write(List.of(point("m3", 3, 200, 200)), PRICER);
            assertThat(r.added()).isEqualTo(1);
            assertThat(totals(ledger).tokens().input()).isEqualTo(200);
            assertThat(totals(ledger).costNanos()).as("priced again on its corrected tokens").isEqualTo(200 * 3_000);

            // a spool segment replayed after a crash that came after its commit: applied already
            assertThat(ledger.write(List.of(point("m2", 2, 150, 50), point("m3", 3, 200, 200)), PRICER).added()).isZero();
            // a late point, older than the saved one, adds nothing and does not move the series back
            assertThat(ledger.write(List.of(point("late", 2, 170, 20)), PRICER).added()).isZero();
            ledger.write(List.of(point("m4", 4, 210, 40)), PRICER);
            assertThat(totals(ledger).tokens().input()).isEqualTo(210);
            assertThat(totals(ledger).requests()).isEqualTo(4);
        }
    }
}
