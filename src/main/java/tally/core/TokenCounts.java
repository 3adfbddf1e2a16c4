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
        return Bounds.add(Bounds.add(input, cacheWrite5m, "input tokens"), Bounds.add(cacheWrite1h, cacheRead, "input tokens"),
                "input tokens");
    }

    public long total() {
        return Bounds.add(totalInput(), output, "tokens");
    }

    /** Sums exactly; a sum beyond a long is a {@link Bounds.OutOfRange}, never a negative count. */
    public TokenCounts plus(TokenCounts o) {
        return new TokenCounts(Bounds.add(input, o.input, "input tokens"),
                Bounds.add(cacheWrite5m, o.cacheWrite5m, "cache write 5m tokens"),
                Bounds.add(cacheWrite1h, o.cacheWrite1h, "cache write 1h tokens"),
                Bounds.add(cacheRead, o.cacheRead, "cache read tokens"), Bounds.add(output, o.output, "output tokens"));
    }
}
