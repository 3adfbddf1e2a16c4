package tally.pricing;

import java.util.List;
import java.util.Objects;

/**
 * The price of several equal requests that together used the given totals. Each request is priced
 * on its own (the long-context tier is decided per request), and identical requests are grouped.
 *
 * @param requests how many requests the totals were split into
 * @param parts    groups of identical requests; their counts add up to {@code requests}
 */
public record Estimate(long requests, List<Part> parts) {

    /** {@code requests} identical requests, each priced as {@code quote}. */
    public record Part(long requests, Quote quote) {}

    public Estimate {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) throw new IllegalArgumentException("an estimate needs at least one part");
    }

    /** The quote of the first request: model, flags and catalog version. */
    public Quote first() {
        return parts.get(0).quote();
    }

    public boolean priced() {
        return first().priced();
    }

    /** Total in nano-dollars, or null when unpriced. */
    public Long costNanos() {
        CostBreakdown b = breakdown();
        return b == null ? null : b.total();
    }

    /** Sum over all requests, or null when unpriced. */
    public CostBreakdown breakdown() {
        if (!priced()) return null;
        CostBreakdown sum = CostBreakdown.ZERO;
        for (Part p : parts) sum = sum.plus(p.quote().breakdown().times(p.requests()));
        return sum;
    }

    public long longContextRequests() {
        long n = 0;
        for (Part p : parts) if (p.quote().longContext()) n += p.requests();
        return n;
    }

    /** All requests were charged the same rates (so one rate per class can be shown). */
    public boolean uniformRates() {
        for (Part p : parts) if (!Objects.equals(p.quote().rates(), first().rates())) return false;
        return true;
    }
}
