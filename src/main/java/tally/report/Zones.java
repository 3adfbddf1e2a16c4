package tally.report;

import tally.core.Bounds;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Reports cut local days and hours out of 15-minute UTC buckets, which is exact only while the
 * zone's offset is a whole number of quarter hours. A zone that is not (a fixed offset such as
 * +05:07, or a zone's old local mean time such as Africa/Monrovia's -00:44:30 before 1972) is
 * refused rather than answered with figures shifted into the wrong day.
 */
public final class Zones {
    private static final int QUARTER_HOUR = 15 * 60;

    private Zones() {}

    /** Why the zone cannot be used for ledger data (2023 on) up to a year ahead, or null. */
    public static String offsetProblem(ZoneId zone) {
        return offsetProblem(zone, Bounds.EARLIEST, Instant.now().plus(Duration.ofDays(366)));
    }

    /** Why the zone cannot cut [from, to) exactly: its offset at from or after any change before to; or null. */
    public static String offsetProblem(ZoneId zone, Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        ZoneOffset offset = rules.getOffset(from);
        Instant at = from;
        while (offset.getTotalSeconds() % QUARTER_HOUR == 0) {
            ZoneOffsetTransition next = rules.nextTransition(at);
            if (next == null || !next.getInstant().isBefore(to)) return null;
            at = next.getInstant();
            offset = next.getOffsetAfter();
        }
        return "time zone " + zone.getId() + " has UTC offset " + offset.getId() + " at " + at
                + ", not a whole number of quarter hours; reports cut days from 15-minute buckets (use a zone such as UTC)";
    }
}
