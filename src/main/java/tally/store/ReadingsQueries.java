package tally.store;

import java.time.Instant;
import java.util.List;

/** Raw-record questions the alert rules ask that the rollups cannot answer. */
public final class ReadingsQueries {

    /** Per person: the longest response and how many were over the threshold. */
    public record LongResponses(String person, long longest, long count) {}

    private final Store store;

    public ReadingsQueries(Store store) {
        this.store = store;
    }

    /**
     * Per person (aliases resolved), responses in [from, to) longer than {@code outputTokens}: read
     * from the raw records (rollups do not keep single responses), limited to the window by the time
     * column every ledger probe uses.
     */
    public List<LongResponses> longResponses(Instant from, Instant to, long outputTokens) {
        String person = Identities.person("e");
        String sql = "SELECT " + person + ", max(e.output_tokens), count(*) FROM usage_events e" + Identities.aliases("e")
                + " WHERE e.ts_ms >= ? AND e.ts_ms < ? AND e.output_tokens > ? GROUP BY " + person + " ORDER BY 1";
        return Jdbc.query(store, sql, List.of(from.toEpochMilli(), to.toEpochMilli(), outputTokens),
                rs -> new LongResponses(rs.getString(1), rs.getLong(2), rs.getLong(3)),
                e -> new StoreException("cannot read recent responses: " + e.getMessage(), e));
    }
}
