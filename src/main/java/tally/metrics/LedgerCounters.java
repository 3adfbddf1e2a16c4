package tally.metrics;

import tally.core.Bounds;
import tally.core.TokenCounts;
import tally.store.CounterQueries;
import tally.store.Store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * All-time usage per person, model and source, read from the daily rollup. Being sums over the
 * ledger, these counters survive restarts; they only move backwards when history is corrected
 * (a reprice, a superseded record), which Prometheus reads as a reset, as it should.
 *
 * <p>The query layer groups by one dimension at a time; this needs three at once over the whole
 * history, so it reads the daily rollup directly (one small scan, cached by the scrape).
 */
final class LedgerCounters {
    static final String OTHER = "other";

    record Key(String person, String model, String source) {}

    record Sums(long requests, long failed, TokenCounts tokens, long costNanos, long unpriced) {
        static final Sums ZERO = new Sums(0, 0, TokenCounts.ZERO, 0, 0);

        Sums plus(Sums o) {
            return new Sums(Bounds.add(requests, o.requests, "requests"), Bounds.add(failed, o.failed, "failed requests"),
                    tokens.plus(o.tokens), Bounds.add(costNanos, o.costNanos, "cost in nano-dollars"),
                    Bounds.add(unpriced, o.unpriced, "unpriced requests"));
        }
    }

    private final CounterQueries queries;

    LedgerCounters(Store store) {
        this.queries = new CounterQueries(store);
    }

    /**
     * Sums per key, with everyone beyond the {@code maxPeople} biggest spenders (all time) folded into
     * one person, {@code other}, so the number of series stays bounded however large the team.
     */
    Map<Key, Sums> read(int maxPeople) {
        Map<Key, Sums> raw = new HashMap<>();
        for (CounterQueries.Row r : queries.byPersonModelSource()) {
            Sums s = new Sums(r.requests(), r.failed(), r.tokens(), r.costNanos(), r.unpriced());
            if (s.requests() == 0 && s.costNanos() == 0) continue; // a superseded record's zeroed row
            raw.merge(new Key(r.person(), r.model(), r.source()), s, Sums::plus);
        }
        Set<String> kept = biggestSpenders(raw, maxPeople);
        Map<Key, Sums> out = new TreeMap<>(Comparator.comparing(Key::person).thenComparing(Key::model).thenComparing(Key::source));
        raw.forEach((k, v) -> out.merge(kept.contains(k.person()) ? k : new Key(OTHER, k.model(), k.source()), v, Sums::plus));
        return out;
    }

    private static Set<String> biggestSpenders(Map<Key, Sums> raw, int maxPeople) {
        Map<String, long[]> perPerson = new HashMap<>();
        raw.forEach((k, v) -> {
            long[] t = perPerson.computeIfAbsent(k.person(), p -> new long[2]);
            t[0] = Bounds.add(t[0], v.costNanos(), "cost in nano-dollars");
            t[1] = Bounds.add(t[1], v.tokens().total(), "tokens");
        });
        List<String> people = new ArrayList<>(perPerson.keySet());
        if (people.size() <= maxPeople) return new HashSet<>(people);
        people.sort(Comparator.<String>comparingLong(p -> -perPerson.get(p)[0])
                .thenComparingLong(p -> -perPerson.get(p)[1]).thenComparing(p -> p));
        return new HashSet<>(people.subList(0, Math.max(0, maxPeople)));
    }
}
