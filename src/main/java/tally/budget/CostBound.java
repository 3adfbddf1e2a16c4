package tally.budget;

/**
 * What one request may cost, as budgets see it before it is forwarded.
 *
 * @param estimateNanos  the body-based estimate soft budgets reserve (null when the model is unpriced)
 * @param estimateTokens the body-based token estimate soft budgets reserve
 * @param worstNanos     the most the request can really cost, whatever its usage turns out to be;
 *                       {@link #UNBOUNDED} when nothing in the request bounds it; 0 when unpriced
 *                       (then {@code unpriced} says so, and a hard dollar budget refuses the request)
 * @param worstTokens    the most tokens it can use, or {@link #UNBOUNDED}
 * @param unpriced       what the price catalog cannot price, as a refusal names it ("model 'claude-future-9'"),
 *                       or null: a hard dollar budget cannot bound such a request, so it refuses it
 */
public record CostBound(Long estimateNanos, long estimateTokens, long worstNanos, long worstTokens, String unpriced) {

    public static final long UNBOUNDED = Long.MAX_VALUE;

    /** No budget covers anyone: nothing is computed. */
    public static final CostBound NONE = new CostBound(null, 0, 0, 0, null);

    public CostBound(Long estimateNanos, long estimateTokens, long worstNanos, long worstTokens) {
        this(estimateNanos, estimateTokens, worstNanos, worstTokens, null);
    }

    /** The same bound, naming what cannot be priced differently (e.g. as a key's downgrade model). */
    public CostBound unpricedAs(String what) {
        return new CostBound(estimateNanos, estimateTokens, worstNanos, worstTokens, what);
    }

    /** Two requests' bounds together (a Message Batch's requests): sums, unbounded when either is. */
    public CostBound plus(CostBound o) {
        Long estimate = estimateNanos == null || o.estimateNanos == null ? null : sum(estimateNanos, o.estimateNanos);
        return new CostBound(estimate, sum(estimateTokens, o.estimateTokens), sum(worstNanos, o.worstNanos),
                sum(worstTokens, o.worstTokens), unpriced != null ? unpriced : o.unpriced);
    }

    private static long sum(long a, long b) {
        if (a == UNBOUNDED || b == UNBOUNDED) return UNBOUNDED;
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? UNBOUNDED : s;
    }

    long estimate(Budget.Unit unit) {
        return unit == Budget.Unit.USD ? (estimateNanos == null ? 0 : estimateNanos) : estimateTokens;
    }

    long worst(Budget.Unit unit) {
        return unit == Budget.Unit.USD ? worstNanos : worstTokens;
    }
}
