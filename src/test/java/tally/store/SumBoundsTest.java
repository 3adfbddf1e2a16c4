package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Bounds;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sums of records at the bounds: every class at 10^10 tokens and a cost of 10^16 nano-dollars (more
 * than any catalog price gives such a record). 900 of them sum exactly; 1,000 exceed a long, and
 * every report says so instead of answering a negative figure.
 */
class SumBoundsTest {
    private static final long MAX = Bounds.MAX_TOKENS;
    private static final long COST = 10_000_000_000_000_000L; // 1e16 nanos = $10M
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-04-01T00:00:00Z");

    @TempDir Path dir;

    /** One person per record, so no single rollup cell holds more than one record's cost. */
    private static List<UsageEvent> atTheBound(int n) {
        List<UsageEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Events.event("max-" + i, "2026-03-10T10:00:00Z", "p" + i)
                    .tokens(new TokenCounts(MAX, MAX, MAX, MAX, MAX)).cost(COST, "test").build());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void nineHundredRecordsAtTheBoundSumExactly(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(atTheBound(900));
            UsageRow total = ledger.totals(UsageQuery.of(FROM, TO, Dimension.MODEL, ZoneOffset.UTC));
            assertThat(total.costNanos()).isEqualTo(900 * COST); // 9e18 < Long.MAX_VALUE
            assertThat(total.tokens().output()).isEqualTo(900 * MAX);
            assertThat(total.tokens().total()).isEqualTo(5 * 900 * MAX);
            assertThat(ledger.usage(UsageQuery.of(FROM, TO, Dimension.MODEL, ZoneOffset.UTC)).get(0).costNanos()).isEqualTo(900 * COST);
            assertThat(ledger.usage(UsageQuery.of(FROM, TO, Dimension.DAY, ZoneOffset.UTC)).get(0).costNanos()).isEqualTo(900 * COST);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aSumBeyondALongIsAClearErrorNeverANegativeFigure(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(atTheBound(1_000)); // 1e19 nano-dollars in all
            for (Dimension by : List.of(Dimension.MODEL, Dimension.USER, Dimension.DAY, Dimension.HOUR)) {
                UsageQuery q = UsageQuery.of(FROM, TO, by, ZoneOffset.UTC);
                if (by == Dimension.USER) {
                    // per person every figure fits
                    assertThat(ledger.usage(q)).hasSize(1_000).allSatisfy(r -> assertThat(r.costNanos()).isEqualTo(COST));
                    continue;
                }
                assertThatThrownBy(() -> ledger.usage(q)).as(by.name()).isInstanceOf(Bounds.OutOfRange.class)
                        .hasMessageContaining("cost in nano-dollars").hasMessageContaining("exceeds");
            }
            assertThatThrownBy(() -> ledger.totals(UsageQuery.of(FROM, TO, Dimension.MODEL, ZoneOffset.UTC)))
                    .isInstanceOf(Bounds.OutOfRange.class).hasMessageContaining("10000000000000000000");
        }
    }

    /**
     * One developer's hour beyond a long, made of rollup cells that each fit (four models, 300
     * records each): a day split by person, which sums as longs on PostgreSQL where every row fits,
     * still refuses it clearly, and the developer's other days still add up.
     */
    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aDevelopersHourBeyondALongIsRefusedInADaySplitByPerson(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            String[] models = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101", "claude-haiku-4-5-20251001", "claude-sonnet-4-6"};
            List<UsageEvent> events = new ArrayList<>();
            for (int i = 0; i < 1_200; i++) {
                events.add(Events.event("big-" + i, "2026-03-10T10:00:00Z", "p").modelId(models[i % 4]).model(models[i % 4])
                        .cost(COST, "test").build()); // 1.2e19 nano-dollars in one hour of one developer
            }
            events.add(Events.event("small", "2026-03-12T10:00:00Z", "p").cost(5L, "test").build());
            ledger.write(events);
            UsageSeries series = new UsageSeries(ledger);
            assertThatThrownBy(() -> series.query(UsageQuery.of(FROM, TO, Dimension.DAY, ZoneOffset.UTC), Dimension.USER))
                    .isInstanceOf(Bounds.OutOfRange.class).hasMessageContaining("cost in nano-dollars").hasMessageContaining("exceeds");
            assertThat(series.query(UsageQuery.of(Instant.parse("2026-03-11T00:00:00Z"), TO, Dimension.DAY, ZoneOffset.UTC), Dimension.USER))
                    .singleElement().satisfies(p -> assertThat(p.usage().costNanos()).isEqualTo(5L));
        }
    }

    /**
     * A day's sum past 10^18 but within a long (900 records at $10M, 9e18 nano-dollars, half of them
     * in the hour that moves to the next Berlin day) is read exactly in a series split by person,
     * model and team: a series first reads its sums as longs (on DuckDB through 18-digit decimals,
     * which hold less than a long), and a sum they cannot hold is summed again exactly, not refused.
     */
    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aSeriesSumPastEighteenDigitsButWithinALongIsExact(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> events = new ArrayList<>();
            for (int i = 0; i < 900; i++) { // 23:30 UTC is 00:30 on March 11 in Berlin
                events.add(Events.event("big-" + i, i % 2 == 0 ? "2026-03-10T23:30:00Z" : "2026-03-11T10:00:00Z", "p")
                        .cost(COST, "test").build());
            }
            ledger.write(events);
            ZoneId berlin = ZoneId.of("Europe/Berlin");
            UsageQuery q = UsageQuery.of(FROM, TO, Dimension.DAY, berlin);
            UsageSeries series = new UsageSeries(ledger);
            for (Dimension split : List.of(Dimension.USER, Dimension.MODEL, Dimension.TEAM)) {
                assertThat(series.query(q, split)).as(split.name()).singleElement().satisfies(p -> {
                    assertThat(p.period()).isEqualTo(LocalDate.of(2026, 3, 11).atStartOfDay());
                    assertThat(p.usage().costNanos()).isEqualTo(900 * COST);
                    assertThat(p.usage().requests()).isEqualTo(900);
                });
            }
        }
    }
}
