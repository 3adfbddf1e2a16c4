package tally.metrics;

import tally.core.Bounds;
import tally.core.TokenCounts;
import tally.store.Store;
import tally.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
    private static long read(ResultSet rs, int column, String what) throws SQLException {
        return tally.store.Sums.read(rs, column, what); // exact: a sum beyond a long is an error, not a wrapped figure
    }

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

    private static final String SQL = "SELECT coalesce(a.person, r.identity), r.model, r.source, sum(r.requests),"
            + " sum(r.failed), sum(r.input_tokens), sum(r.cache_write_5m_tokens), sum(r.cache_write_1h_tokens),"
            + " sum(r.cache_read_tokens), sum(r.output_tokens), sum(r.cost_nanos), sum(r.unpriced)"
            + " FROM usage_rollup_daily r LEFT JOIN aliases a ON a.alias = r.identity"
            + " GROUP BY coalesce(a.person, r.identity), r.model, r.source";

    private final Store store;

    LedgerCounters(Store store) {
        this.store = store;
    }

    /**
     * Sums per key, with everyone beyond the {@code maxPeople} biggest spenders (all time) folded into
     * one person, {@code other}, so the number of series stays bounded however large the team.
     */
    Map<Key, Sums> read(int maxPeople) {
        Map<Key, Sums> raw = new HashMap<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(SQL);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Sums s = new Sums(read(rs, 4, "requests"), read(rs, 5, "failed requests"), new TokenCounts(read(rs, 6, "input tokens"),
                        read(rs, 7, "cache write 5m tokens"), read(rs, 8, "cache write 1h tokens"), read(rs, 9, "cache read tokens"),
                        read(rs, 10, "output tokens")), read(rs, 11, "cost in nano-dollars"), read(rs, 12, "unpriced requests"));
                if (s.requests() == 0 && s.costNanos() == 0) continue; // a superseded record's zeroed row
                raw.merge(new Key(rs.getString(1), rs.getString(2), rs.getString(3)), s, Sums::plus);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read usage for /metrics: " + e.getMessage(), e);
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
