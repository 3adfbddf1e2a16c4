package tally.store;

import java.time.Instant;
import java.time.ZoneId;

/**
 * A usage question: a half-open time range [from, to), a grouping, the zone that cuts days and
 * hours, and optional filters (null means any).
 */
public record UsageQuery(Instant from, Instant to, Dimension by, ZoneId zone,
                         String person, String team, String model, String source, String identity) {

    public static UsageQuery of(Instant from, Instant to, Dimension by, ZoneId zone) {
        return new UsageQuery(from, to, by, zone, null, null, null, null, null);
    }

    public UsageQuery withPerson(String v) {
        return new UsageQuery(from, to, by, zone, v, team, model, source, identity);
    }

    public UsageQuery withTeam(String v) {
        return new UsageQuery(from, to, by, zone, person, v, model, source, identity);
    }

    public UsageQuery withModel(String v) {
        return new UsageQuery(from, to, by, zone, person, team, v, source, identity);
    }

    public UsageQuery withSource(String v) {
        return new UsageQuery(from, to, by, zone, person, team, model, v, identity);
    }

    /** Only records that arrived with this raw identity (a key id, say), whoever it maps to. */
    public UsageQuery withIdentity(String v) {
        return new UsageQuery(from, to, by, zone, person, team, model, source, v);
    }
}
