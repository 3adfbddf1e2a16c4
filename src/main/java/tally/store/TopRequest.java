package tally.store;

import tally.core.TokenCounts;

import java.time.Instant;

/** One stored record as the most-expensive-requests list shows it. */
public record TopRequest(String id, Instant time, String person, String source, String model,
                         String requestId, String sessionId, TokenCounts tokens, Long costNanos, int status) {}
