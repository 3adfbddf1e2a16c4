package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * A question's total summed from its own rows is the total the ledger reads, for every grouping,
 * filter, zone and range, with superseded records leaving zeroed rollup rows behind.
 */
class TotalOfTest {
    @TempDir Path dir;

    private static final Instant START = Instant.parse("2026-05-10T20:00:00Z");

    private static List<UsageEvent> records() {
        String[] models = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101", "claude-haiku-4-5-20251001"};
        Source[] sources = {Source.GATEWAY, Source.MANUAL, Source.OTEL_METRIC};
        List<UsageEvent> out = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            out.add(event("t-" + i, START.plus(7L * i, ChronoUnit.MINUTES).toString(), "dev" + (i % 4))
                    .modelId(models[i % 3]).model(models[i % 3]).source(sources[i % 3])
                    .team(i % 4 == 1 ? "platform" : i % 4 == 2 ? "product" : null)
                    .project(i % 5 == 0 ? "/src/api" : i % 5 == 1 ? "/src/web" : null)
                    .region(i % 6 == 0 ? "eu-west-1" : null).sessionId(i % 7 == 0 ? null : "s-" + (i % 11))
                    .requestId(i % 10 == 3 ? "req-" + i : null).status(i % 13 == 5 ? 529 : 200)
                    .tokens(new TokenCounts(50 + i, i % 3, i % 4, 7L * i, 20 + i)).webSearches(i % 2)
                    .cost(i % 17 == 4 ? null : 10_000L + 37L * i, "v1").build());
        }
        return out;
    }

    /** The same calls reported again by a source that takes precedence: the first records go out of the rollups. */
    private static List<UsageEvent> reportedAgain(List<UsageEvent> first) {
        List<UsageEvent> out = new ArrayList<>();
        for (UsageEvent e : first) {
            if (e.requestId() == null) continue;
            out.add(event("log-" + e.id(), e.time().plusSeconds(3).toString(), e.identity()).source(Source.PROVIDER_LOG)
                    .requestId(e.requestId()).modelId(e.modelId()).model(e.model()).cost(99_000L, "v1").build());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void everyGroupingsRowsSumToTheTotalTheLedgerReads(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> records = records();
            ledger.write(records);
            assertThat(ledger.write(reportedAgain(records)).superseded()).isPositive();
            List<Instant[]> ranges = List.of(new Instant[] {START.minus(1, ChronoUnit.DAYS), START.plus(4, ChronoUnit.DAYS)},
                    new Instant[] {START.plus(95, ChronoUnit.MINUTES), START.plus(50, ChronoUnit.HOURS)});
            for (String zone : List.of("UTC", "Asia/Kolkata", "America/Los_Angeles")) for (Instant[] range : ranges) {
                UsageQuery any = UsageQuery.of(range[0], range[1], Dimension.USER, ZoneId.of(zone));
                for (UsageQuery filtered : List.of(any, any.withPerson("dev1"), any.withTeam("platform"),
                        any.withModel("claude-opus-4-5-20251101"), any.withAnyOf(AnyOf.NONE.withRegions(List.of("eu-west-1"))))) {
                    for (Dimension by : Dimension.values()) {
                        UsageQuery q = filtered.withBy(by);
                        assertThat(ledger.totalOf(q, ledger.usage(q))).as(zone + " by " + by + " " + q).isEqualTo(ledger.totals(q));
                    }
                }
            }
        }
    }
}
