package tally.core;

/**
 * The five token classes Anthropic bills separately. Input is uncached input only, as in the
 * Messages API's {@code usage.input_tokens}.
 */
public record TokenCounts(long input, long cacheWrite5m, long cacheWrite1h, long cacheRead, long output) {

    public static final TokenCounts ZERO = new TokenCounts(0, 0, 0, 0, 0);

    public TokenCounts {
        if (input < 0 || cacheWrite5m < 0 || cacheWrite1h < 0 || cacheRead < 0 || output < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public static TokenCounts of(long input, long output) {
        return new TokenCounts(input, 0, 0, 0, output);
    }

    public long cacheWrite() {
        return cacheWrite5m + cacheWrite1h;
    }

    /** The prompt size that decides the long-context tier: every input-side class together. */
    public long totalInput() {
        return input + cacheWrite5m + cacheWrite1h + cacheRead;
    }

    public long total() {
        return totalInput() + output;
    }

    public TokenCounts plus(TokenCounts o) {
        return new TokenCounts(input + o.input, cacheWrite5m + o.cacheWrite5m, cacheWrite1h + o.cacheWrite1h,
                cacheRead + o.cacheRead, output + o.output);
    }
}
