package tally.store;

import tally.core.TokenCounts;

import java.util.List;

/**
 * All-time usage per person, model and source, read from the daily rollup in one small scan: what
 * the /metrics counters are made of. Sums are read exactly (a sum beyond a long is an error).
 */
public final class CounterQueries {

    /** All-time sums for one (person, model, source). */
    public record Row(String person, String model, String source, long requests, long failed, TokenCounts tokens,
                      long costNanos, long unpriced) {}

    private static final String SQL = "SELECT " + Identities.PERSON + ", r.model, r.source, sum(r.requests),"
            + " sum(r.failed), sum(r.input_tokens), sum(r.cache_write_5m_tokens), sum(r.cache_write_1h_tokens),"
            + " sum(r.cache_read_tokens), sum(r.output_tokens), sum(r.cost_nanos), sum(r.unpriced)"
            + " FROM usage_rollup_daily r" + Identities.aliases("r")
            + " GROUP BY " + Identities.PERSON + ", r.model, r.source";

    private final Store store;

    public CounterQueries(Store store) {
        this.store = store;
    }

    public List<Row> byPersonModelSource() {
        return Jdbc.query(store, SQL, List.of(), rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                Sums.read(rs, 4, "requests"), Sums.read(rs, 5, "failed requests"),
                new TokenCounts(Sums.read(rs, 6, "input tokens"), Sums.read(rs, 7, "cache write 5m tokens"),
                        Sums.read(rs, 8, "cache write 1h tokens"), Sums.read(rs, 9, "cache read tokens"),
                        Sums.read(rs, 10, "output tokens")),
                Sums.read(rs, 11, "cost in nano-dollars"), Sums.read(rs, 12, "unpriced requests")),
                e -> new StoreException("cannot read usage for /metrics: " + e.getMessage(), e));
    }
}
