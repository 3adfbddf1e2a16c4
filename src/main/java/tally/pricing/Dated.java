package tally.pricing;

import java.time.Instant;

/**
 * A value in force from {@code from} (inclusive; null = always had been) until {@code until}
 * (exclusive; null = still is).
 */
public record Dated<T>(Instant from, Instant until, T value) {

    public boolean contains(Instant t) {
        return (from == null || !t.isBefore(from)) && (until == null || t.isBefore(until));
    }
}
