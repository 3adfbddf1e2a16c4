package tally.store;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Cost per key of a question over [from, to) in UTC, in the ledger's order. */
    public static Map<String, Long> costBy(Ledger ledger, Instant from, Instant to, Dimension by, AnyOf filters) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (UsageRow r : ledger.usage(UsageQuery.of(from, to, by, ZoneOffset.UTC).withAnyOf(filters))) {
            out.put(r.key(), r.costNanos());
        }
        return out;
    }
}
