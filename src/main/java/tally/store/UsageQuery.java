package tally.store;

import java.time.Instant;
import java.time.ZoneId;

/**
 * A usage question: a half-open time range [from, to), a grouping, the zone that cuts days and
 * hours, and optional filters (null means any).
 */
public record UsageQuery(Instant from, Instant to, Dimension by, ZoneId zone,
                         String person, String team, String model, String source, String identity, AnyOf anyOf) {

    public UsageQuery {
        if (anyOf == null) anyOf = AnyOf.NONE;
    }

    public UsageQuery(Instant from, Instant to, Dimension by, ZoneId zone,
                      String person, String team, String model, String source, String identity) {
        this(from, to, by, zone, person, team, model, source, identity, AnyOf.NONE);
    }

    public static UsageQuery of(Instant from, Instant to, Dimension by, ZoneId zone) {
        return new UsageQuery(from, to, by, zone, null, null, null, null, null);
    }

    public UsageQuery withPerson(String v) {
        return new UsageQuery(from, to, by, zone, v, team, model, source, identity, anyOf);
    }

    public UsageQuery withTeam(String v) {
        return new UsageQuery(from, to, by, zone, person, v, model, source, identity, anyOf);
    }

    public UsageQuery withModel(String v) {
        return new UsageQuery(from, to, by, zone, person, team, v, source, identity, anyOf);
    }

    public UsageQuery withSource(String v) {
        return new UsageQuery(from, to, by, zone, person, team, model, v, identity, anyOf);
    }

    /** Only records that arrived with this raw identity (a key id, say), whoever it maps to. */
    public UsageQuery withIdentity(String v) {
        return new UsageQuery(from, to, by, zone, person, team, model, source, v, anyOf);
    }

    /** Also only records matching these any-of filters. */
    public UsageQuery withAnyOf(AnyOf v) {
        return new UsageQuery(from, to, by, zone, person, team, model, source, identity, v);
    }

    /** The same question grouped another way. */
    public UsageQuery withBy(Dimension v) {
        return new UsageQuery(from, to, v, zone, person, team, model, source, identity, anyOf);
    }

    /** The same question over another range. */
    public UsageQuery withRange(Instant f, Instant t) {
        return new UsageQuery(f, t, by, zone, person, team, model, source, identity, anyOf);
    }
}
