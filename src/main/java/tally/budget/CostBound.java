package tally.budget;

/**
 * What one request may cost, as budgets see it before it is forwarded.
 *
 * @param estimateNanos  the body-based estimate soft budgets reserve (null when the model is unpriced)
 * @param estimateTokens the body-based token estimate soft budgets reserve
 * @param worstNanos     the most the request can really cost, whatever its usage turns out to be;
 *                       {@link #UNBOUNDED} when nothing in the request bounds it; 0 when unpriced
 *                       (an unpriced record counts nothing against a dollar budget)
 * @param worstTokens    the most tokens it can use, or {@link #UNBOUNDED}
 */
public record CostBound(Long estimateNanos, long estimateTokens, long worstNanos, long worstTokens) {

    public static final long UNBOUNDED = Long.MAX_VALUE;

    /** No budget covers anyone: nothing is computed. */
    public static final CostBound NONE = new CostBound(null, 0, 0, 0);

    long estimate(Budget.Unit unit) {
        return unit == Budget.Unit.USD ? (estimateNanos == null ? 0 : estimateNanos) : estimateTokens;
    }

    long worst(Budget.Unit unit) {
        return unit == Budget.Unit.USD ? worstNanos : worstTokens;
    }
}
