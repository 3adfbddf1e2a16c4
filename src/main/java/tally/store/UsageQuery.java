package tally.store;

import java.time.Instant;
import java.time.ZoneId;

/**
 * A usage question: a half-open time range [from, to), a grouping, the zone that cuts days and
 * hours, and optional filters (null means any).
 */
public record UsageQuery(Instant from, Instant to, Dimension by, ZoneId zone,
                         String person, String team, String model, String source) {

    public static UsageQuery of(Instant from, Instant to, Dimension by, ZoneId zone) {
        return new UsageQuery(from, to, by, zone, null, null, null, null);
    }
}
