package tally.pricing;

import tally.core.Nanos;

/**
 * List prices of the five token classes, in nano-dollars per million tokens ($3/M = 3_000_000_000).
 * Per million rather than per token so that any price written to a nano-dollar per million is exact.
 */
public record TokenRates(long input, long cacheWrite5m, long cacheWrite1h, long cacheRead, long output) {

    public static final long TOKENS_PER_UNIT = 1_000_000L;

    public TokenRates {
        if (input < 0 || cacheWrite5m < 0 || cacheWrite1h < 0 || cacheRead < 0 || output < 0) {
            throw new IllegalArgumentException("rates must not be negative");
        }
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

    /** The standard cache multipliers on the input rate (5m write 1.25×, 1h write 2×, read 0.1×). */
    public static long standardCacheRate(TokenClass c, long input) {
        return switch (c) {
            case CACHE_WRITE_5M -> Nanos.scale(input, 5, 4);
            case CACHE_WRITE_1H -> Math.multiplyExact(input, 2);
            case CACHE_READ -> Nanos.scale(input, 1, 10);
            default -> throw new IllegalArgumentException(c + " is not a cache class");
        };
    }
}
