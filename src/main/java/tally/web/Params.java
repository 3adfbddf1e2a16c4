package tally.web;

import io.vertx.core.MultiMap;
import tally.app.Filters;
import tally.core.Source;
import tally.pricing.PriceCatalog;
import tally.report.ReportRange;
import tally.store.AnyOf;
import tally.store.Dimension;
import tally.store.UsageQuery;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One request's query parameters, checked: an unknown name, a repeated one or a bad value is a
 * 400 that names it. The range is whole local days, as everywhere in Tally: {@code days} (the last
 * N, today included) or {@code from}/{@code to} (YYYY-MM-DD, inclusive), cut in {@code tz}.
 */
final class Params {
    static final List<String> RANGE = List.of("from", "to", "days", "tz");
    static final List<String> FILTERS = List.of("person", "team", "model", "source", "region");
    static final int MAX_DAYS = ReportRange.MAX_DAYS;

    private final MultiMap query;
    private final ZoneId defaultZone;
    private final Clock clock;
    /** The person an identity or alias belongs to, as the CLI's --user resolves it. */
    private final java.util.function.UnaryOperator<String> personOf;

    Params(MultiMap query, ZoneId defaultZone, Clock clock) {
        this(query, defaultZone, clock, java.util.function.UnaryOperator.identity());
    }

    Params(MultiMap query, ZoneId defaultZone, Clock clock, java.util.function.UnaryOperator<String> personOf) {
        this.query = query;
        this.defaultZone = defaultZone;
        this.clock = clock;
        this.personOf = personOf;
    }

    Clock clock() {
        return clock;
    }

    /** Refuses any parameter not in the lists: a misspelled filter must not silently widen an answer. */
    @SafeVarargs
    final Params allow(List<String>... names) {
        for (String n : query.names()) {
            boolean known = false;
            for (List<String> list : names) known |= list.contains(n);
            if (!known) throw ApiError.badParam(n, "unknown parameter");
            if (query.getAll(n).size() > 1) throw ApiError.badParam(n, "given more than once");
        }
        return this;
    }

    /** The value, or null when absent; an empty value is an error (it would mean "any" by accident). */
    String string(String name) {
        String v = query.get(name);
        if (v == null) return null;
        if (v.isBlank()) throw ApiError.badParam(name, "must not be empty");
        return v.trim();
    }

    int integer(String name, int fallback, int min, int max) {
        String v = string(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw ApiError.badParam(name, "expected " + min + " to " + max + ", got " + n);
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badParam(name, "expected a whole number, got '" + v + "'");
        }
    }

    ZoneId zone() {
        String v = string("tz");
        if (v == null) return defaultZone;
        ZoneId zone;
        try {
            zone = ZoneId.of(v);
        } catch (RuntimeException e) {
            throw ApiError.badParam("tz", "unknown time zone '" + v + "' (use an IANA name such as Europe/Berlin or UTC)");
        }
        String offset = tally.report.Zones.offsetProblem(zone);
        if (offset != null) throw ApiError.badParam("tz", offset);
        return zone;
    }

    ReportRange range(int defaultDays) {
        ZoneId zone = zone();
        String from = string("from");
        String to = string("to");
        if (query.contains("days") && (from != null || to != null)) {
            throw ApiError.badParam("days", "give either days or from/to, not both");
        }
        LocalDate today = LocalDate.now(clock.withZone(zone));
        if (from == null && to == null) {
            int days = integer("days", defaultDays, 1, MAX_DAYS);
            return new ReportRange(today.minusDays(days - 1L), today, zone);
        }
        LocalDate t = to == null ? today : date("to", to);
        LocalDate f = from == null ? t.withDayOfMonth(1) : date("from", from);
        if (f.isAfter(t)) throw ApiError.badParam("from", from + " is after to " + t);
        if (ChronoUnit.DAYS.between(f, t) >= MAX_DAYS) throw ApiError.badParam("from", "a range is at most " + MAX_DAYS + " days");
        try {
            return new ReportRange(f, t, zone);
        } catch (IllegalArgumentException e) { // the zone's offset in this range is not whole quarter hours
            throw ApiError.badParam("tz", e.getMessage().replaceFirst("^--tz: ", ""));
        }
    }

    /** A date as the CLI reads one: YYYY-MM-DD, so a year of four digits (LocalDate alone reads -292275055-01-01). */
    private static LocalDate date(String name, String v) {
        try {
            if (v.length() != 10) throw new DateTimeParseException("not YYYY-MM-DD", v, 0);
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiError.badParam(name, "expected a date YYYY-MM-DD, got '" + v + "'");
        }
    }

    /** A usage question over a range with the filters applied. */
    UsageQuery usage(ReportRange range, Dimension by) {
        return filtered(UsageQuery.of(range.start(), range.end(), by, range.zone()));
    }

    UsageQuery filtered(UsageQuery q) {
        String source = string("source");
        if (source != null) {
            try {
                source = source.equalsIgnoreCase(Source.OTEL) ? Source.OTEL : Source.fromLabel(source).label();
            } catch (IllegalArgumentException e) {
                throw ApiError.badParam("source", "unknown source '" + source + "' (one of gateway, provider-log,"
                        + " otel (otel-event and otel-metric), otel-event, transcript, otel-metric, manual, demo)");
            }
        }
        String person = string("person"); // an alias or raw identity means its person, as --user does
        UsageQuery filtered = q.withPerson(person == null ? null : personOf.apply(person)).withTeam(string("team")).withSource(source);
        String model = string("model");
        if (model != null) filtered = filtered.withAnyOf(models(filtered.anyOf(), model));
        String region = string("region"); // a cloud region, or (none) for first-party records
        return region == null ? filtered : filtered.withAnyOf(filtered.anyOf().withRegions(List.of(region)));
    }

    /** A model as the CLI's --model reads it (Filters.readModel): only canonical ids matched before, so model=opus answered nothing. */
    private static AnyOf models(AnyOf f, String raw) {
        List<String> exact = new java.util.ArrayList<>();
        List<String> families = new java.util.ArrayList<>();
        if (!Filters.readModel(raw, PriceCatalog.bundled(), exact, families)) throw ApiError.badParam("model", "'" + raw + "' names no model");
        return new AnyOf(f.people(), f.teams(), exact.isEmpty() ? f.models() : exact, families.isEmpty() ? f.modelFamilies() : families,
                f.sources(), f.projects(), f.costCenters(), f.regions());
    }

    /** A grouping from a fixed set: the API's names (person, not user). */
    Dimension dimension(String name, String fallback, List<String> allowed) {
        String v = string(name);
        if (v == null) v = fallback;
        if (v == null) return null;
        String low = v.toLowerCase();
        if (!allowed.contains(low)) throw ApiError.badParam(name, "expected one of " + String.join(", ", allowed) + "; got '" + v + "'");
        return Dimension.parse(low); // person, cost-center: the CLI's spellings
    }
}
