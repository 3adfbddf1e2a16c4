package tally.store;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

/**
 * Which of two reports of one request is counted, and whether one may stand for the other at all.
 * The lower {@link #rank} wins; a copy that holds no tokens ranks after every copy that does, so an
 * empty report never wipes a real one. A copy may replace (or drop) another only when both are one
 * person's, or both hold the same counts (two paths of one machine whose identities were never linked
 * report the same call; naming another's request with its exact counts only takes its cost over),
 * unless its request id is the provider's own: the gateway and provider logs saw the call, while a
 * client's telemetry or transcript could name anyone's request.
 */
final class Precedence {
    private Precedence() {}

    /** Added to the rank of a copy without tokens: past every source's. */
    private static final int EMPTY = 10;

    /** The sources whose request ids the provider gave: their copy stands for anyone's. */
    private static final int PROVIDERS_OWN = Source.PROVIDER_LOG.rank();

    private static String tokens(String row) {
        return "(" + row + ".input_tokens + " + row + ".cache_write_5m_tokens + " + row + ".cache_write_1h_tokens + "
                + row + ".cache_read_tokens + " + row + ".output_tokens)";
    }

    /** The rank of the row aliased {@code row} (SQL): its source's, or past every source's when it holds no tokens. */
    static String rank(String row) {
        return "(" + row + ".source_rank + CASE WHEN " + tokens(row) + " = 0 THEN " + EMPTY + " ELSE 0 END)";
    }

    /**
     * Whether row {@code winner} may replace row {@code other} (SQL): one person's, the same counts, or the
     * provider's own request id; identities are compared as they are where no alias exists ({@code aliased} false).
     */
    static String mayStandFor(String winner, String other, boolean aliased) {
        return "(" + winner + ".source_rank <= " + PROVIDERS_OWN + " OR " + sameCounts(winner, other) + " OR "
                + Identities.samePerson(winner + ".identity", other + ".identity", aliased) + ")";
    }

    /** Every count alike, cache writes by their sum (telemetry does not split them by lifetime). */
    private static String sameCounts(String a, String b) {
        return "(" + a + ".input_tokens = " + b + ".input_tokens AND " + a + ".output_tokens = " + b + ".output_tokens AND "
                + a + ".cache_read_tokens = " + b + ".cache_read_tokens AND " + a + ".cache_write_5m_tokens + "
                + a + ".cache_write_1h_tokens = " + b + ".cache_write_5m_tokens + " + b + ".cache_write_1h_tokens)";
    }

    /** {@link #rank(String)} of a record. */
    static int rank(UsageEvent e) {
        return e.source().rank() + (e.tokens().total() == 0 ? EMPTY : 0);
    }

    /**
     * {@link #mayStandFor(String, String, boolean)} of two records, by raw identity only (a batch is
     * settled before the aliases are read; the store compares people).
     */
    static boolean mayStandFor(UsageEvent winner, UsageEvent other) {
        TokenCounts w = winner.tokens();
        TokenCounts o = other.tokens();
        boolean sameCounts = w.input() == o.input() && w.output() == o.output() && w.cacheRead() == o.cacheRead()
                && w.cacheWrite() == o.cacheWrite();
        return winner.source().rank() <= PROVIDERS_OWN || sameCounts || winner.identity().equals(other.identity());
    }
}
