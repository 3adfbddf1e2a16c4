package tally.pricing;

import tally.core.TokenCounts;

/** The five token classes Anthropic bills at separate rates, with the names the price files use. */
public enum TokenClass {
    INPUT("input", "input"),
    CACHE_WRITE_5M("cache_write_5m", "cache write 5m"),
    CACHE_WRITE_1H("cache_write_1h", "cache write 1h"),
    CACHE_READ("cache_read", "cache read"),
    OUTPUT("output", "output");

    private final String key;
    private final String label;

    TokenClass(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The JSON field name: "cache_write_5m". */
    public String key() {
        return key;
    }

    /** For people: "cache write 5m". */
    public String label() {
        return label;
    }

    public long tokens(TokenCounts t) {
        return switch (this) {
            case INPUT -> t.input();
            case CACHE_WRITE_5M -> t.cacheWrite5m();
            case CACHE_WRITE_1H -> t.cacheWrite1h();
            case CACHE_READ -> t.cacheRead();
            case OUTPUT -> t.output();
        };
    }
}
