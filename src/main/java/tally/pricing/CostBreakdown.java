package tally.pricing;

/** Cost of each billed part of a request, in nano-dollars, each rounded once. */
public record CostBreakdown(long input, long cacheWrite5m, long cacheWrite1h, long cacheRead, long output,
                            long webSearch) {

    public static final CostBreakdown ZERO = new CostBreakdown(0, 0, 0, 0, 0, 0);

    public long total() {
        return input + cacheWrite5m + cacheWrite1h + cacheRead + output + webSearch;
    }

    public long of(TokenClass c) {
        return switch (c) {
            case INPUT -> input;
            case CACHE_WRITE_5M -> cacheWrite5m;
            case CACHE_WRITE_1H -> cacheWrite1h;
            case CACHE_READ -> cacheRead;
            case OUTPUT -> output;
        };
    }

    public CostBreakdown plus(CostBreakdown o) {
        return new CostBreakdown(input + o.input, cacheWrite5m + o.cacheWrite5m, cacheWrite1h + o.cacheWrite1h,
                cacheRead + o.cacheRead, output + o.output, webSearch + o.webSearch);
    }

    public CostBreakdown times(long n) {
        return new CostBreakdown(Math.multiplyExact(input, n), Math.multiplyExact(cacheWrite5m, n),
                Math.multiplyExact(cacheWrite1h, n), Math.multiplyExact(cacheRead, n),
                Math.multiplyExact(output, n), Math.multiplyExact(webSearch, n));
    }
}
