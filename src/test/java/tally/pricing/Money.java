package tally.pricing;

import tally.core.Nanos;
import tally.core.TokenCounts;

import java.time.Instant;

/** Small helpers so the specifications read in dollars and token counts. */
final class Money {

    /** After every dated rule in the bundled catalog has settled. */
    static final Instant NOW = Instant.parse("2026-09-01T12:00:00Z");

    private Money() {}

    static long usd(String dollars) {
        return Nanos.fromDollars(dollars);
    }

    static TokenCounts tokens(long input, long output) {
        return TokenCounts.of(input, output);
    }

    static Quote quote(String model, TokenCounts t) {
        return PriceCatalog.bundled().quote(PriceRequest.of(model, NOW, t));
    }

    static Quote quote(String model, Instant at, TokenCounts t) {
        return PriceCatalog.bundled().quote(PriceRequest.of(model, at, t));
    }

    static Long cost(String model, TokenCounts t) {
        return quote(model, t).costNanos();
    }
}
