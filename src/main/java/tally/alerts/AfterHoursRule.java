package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Usage outside working hours in the team's own time zone ({@code zones}, else the server's): fires
 * for a person with requests in the off-hours part of the last hour, resolves when work hours begin
 * or the usage stops.
 */
public record AfterHoursRule(Basics basics, LocalTime start, LocalTime end, Set<DayOfWeek> workDays,
                             Map<String, ZoneId> zones, RuleFilter filter) implements AlertRule {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    public AfterHoursRule {
        if (!start.isBefore(end)) throw new IllegalArgumentException("hours: the start must be before the end, as in 09:00-18:00");
        workDays = workDays.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(workDays);
        zones = new TreeMap<>(zones);
        if (filter == null) filter = RuleFilter.ANY;
    }

    @Override
    public String kind() {
        return "after-hours";
    }

    boolean working(LocalDateTime local) {
        return workDays.contains(local.getDayOfWeek()) && !local.toLocalTime().isBefore(start) && local.toLocalTime().isBefore(end);
    }

    @Override
    public List<Breach> check(Readings r) {
        Instant to = Windows.throughNow(r.now());
        Instant hourAgo = Instant.ofEpochMilli(to.toEpochMilli() - 4 * Ledger.BUCKET_MS);
        List<Breach> out = new ArrayList<>();
        for (UsageRow team : r.ledger().usage(filter.apply(UsageQuery.of(hourAgo, to, Dimension.TEAM, r.zone())))) {
            ZoneId zone = zones.getOrDefault(team.key(), r.zone());
            // The off-hours stretch that ends now: back from the current bucket while buckets are off hours.
            long from = to.toEpochMilli();
            while (from > hourAgo.toEpochMilli()
                    && !working(LocalDateTime.ofInstant(Instant.ofEpochMilli(from - Ledger.BUCKET_MS), zone))) {
                from -= Ledger.BUCKET_MS;
            }
            if (from == to.toEpochMilli()) continue; // working hours now in this team's zone
            String localNow = CLOCK.format(r.now().atZone(zone)) + " " + zone.getId();
            UsageQuery q = filter.apply(UsageQuery.of(Instant.ofEpochMilli(from), to, Dimension.USER, zone)).withTeam(team.key());
            for (UsageRow p : r.ledger().usage(q)) {
                String who = p.key() + (team.key().equals("(none)") ? "" : " (team " + team.key() + ")");
                out.add(new Breach("person:" + p.key(), who, "usage outside working hours",
                        Wording.count(p.requests()) + " requests, " + Wording.dollars(p.costNanos()), hoursText(),
                        who + " made " + Wording.count(p.requests()) + " requests (" + Wording.dollars(p.costNanos())
                                + ") up to " + localNow + ", outside working hours (" + hoursText() + ")."));
            }
        }
        return out;
    }

    private String hoursText() {
        return days() + " " + CLOCK.format(start) + "-" + CLOCK.format(end);
    }

    private String days() {
        List<String> names = new ArrayList<>();
        for (DayOfWeek d : DayOfWeek.values()) {
            if (workDays.contains(d)) names.add(d.name().substring(0, 3).toLowerCase(Locale.ROOT));
        }
        return String.join(",", names);
    }

    static Set<DayOfWeek> parseDays(String s) {
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String part : s.toLowerCase(Locale.ROOT).split(",")) {
            String[] range = part.trim().split("-");
            DayOfWeek a = day(range[0]);
            DayOfWeek b = range.length > 1 ? day(range[1]) : a;
            for (DayOfWeek d = a; ; d = d.plus(1)) {
                out.add(d);
                if (d == b) break;
            }
        }
        return out;
    }

    private static DayOfWeek day(String s) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(s.trim()) && s.trim().length() >= 3) return d;
        }
        throw new IllegalArgumentException("days: expected day names such as mon-fri; got '" + s + "'");
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("hours", CLOCK.format(start) + "-" + CLOCK.format(end));
        json.put("days", days());
        ObjectNode z = json.putObject("zones");
        zones.forEach((team, zone) -> z.put(team, zone.getId()));
        filter.writeFields(json);
    }
}
