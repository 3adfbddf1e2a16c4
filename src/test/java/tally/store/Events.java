package tally.store;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.time.Instant;

/** Terse record builders for tests. Costs are given directly: the ledger stores what it is handed. */
public final class Events {
    private Events() {}

    public static UsageEvent.Builder event(String id, String at, String who) {
        return UsageEvent.builder().id(id).time(Instant.parse(at)).identity(who).source(Source.MANUAL)
                .modelId("claude-sonnet-4-5-20250929").tokens(TokenCounts.of(100, 10)).cost(1_000L, "test");
    }

    public static UsageEvent priced(String id, String at, String who, long costNanos) {
        return event(id, at, who).cost(costNanos, "test").build();
    }
}
