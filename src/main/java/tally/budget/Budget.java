package tally.budget;

import tally.core.Nanos;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * A spending limit for one calendar period.
 *
 * @param name         unique name, used to change or remove it and named in the 402 message
 * @param scope        whose spend counts
 * @param subject      the person, team, key id, project or cost center; null for the organization and for the each-person
 *                     default as defined (which, applied to one person, carries that person)
 * @param period       calendar day, week (from Monday) or month, cut in the configured zone
 * @param unit         dollars (amount in nano-dollars) or tokens
 * @param amount       the limit
 * @param hard         hard budgets block; soft ones only alert (and may trigger a key's downgrade)
 * @param thresholdPct a soft budget "passes its threshold" at this share of the limit
 */
public record Budget(String name, Scope scope, String subject, Period period, Unit unit, long amount,
                     boolean hard, int thresholdPct) {

    public enum Scope {
        /** EACH_PERSON: a default for everyone, unless a person has a budget of their own for the same period. */
        ORG, PERSON, TEAM, KEY, EACH_PERSON,
        /** A project's or a cost center's spend: records whose project tag resolves to it through the project rules. */
        PROJECT, COST_CENTER;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public enum Unit {
        USD, TOKENS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Period {
        DAILY, WEEKLY, MONTHLY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Start of the period that contains {@code t}, in {@code zone}. */
        public Instant start(Instant t, ZoneId zone) {
            LocalDate d = t.atZone(zone).toLocalDate();
            LocalDate first = switch (this) {
                case DAILY -> d;
                case WEEKLY -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTHLY -> d.withDayOfMonth(1);
            };
            return first.atStartOfDay(zone).toInstant();
        }

        /** When the period that contains {@code t} ends (and the budget resets). */
        public Instant end(Instant t, ZoneId zone) {
            LocalDate first = start(t, zone).atZone(zone).toLocalDate();
            LocalDate next = switch (this) {
                case DAILY -> first.plusDays(1);
                case WEEKLY -> first.plusWeeks(1);
                case MONTHLY -> first.plusMonths(1);
            };
            return next.atStartOfDay(zone).toInstant();
        }

        String noun() {
            return switch (this) {
                case DAILY -> "day";
                case WEEKLY -> "week";
                case MONTHLY -> "month";
            };
        }
    }

    public static Scope parseScope(String s) {
        return Scope.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The each-person default as it applies to one person. */
    public Budget forPerson(String person) {
        return new Budget(name, scope, person, period, unit, amount, hard, thresholdPct);
    }

    /** An each-person default as defined, not yet applied to anyone. */
    public boolean isDefault() {
        return scope == Scope.EACH_PERSON && subject == null;
    }

    /** The person whose own spend counts (a person budget, or the default applied to one), else null. */
    public String person() {
        return scope == Scope.PERSON || scope == Scope.EACH_PERSON ? subject : null;
    }

    public static Period parsePeriod(String s) {
        try {
            return Period.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--period: expected daily, weekly or monthly; got '" + s + "'");
        }
    }

    /** "$1.00", "$0.0045" (two significant digits under a cent) or "50,000 tokens". */
    public String format(long value) {
        return unit == Unit.USD ? Nanos.toDollarsReadable(value) : String.format(Locale.ROOT, "%,d tokens", value);
    }

    /** How much of the amount {@code spent} is, in whole percent (rounded down), exact however large the spend. */
    public long percentUsed(long spent) {
        return java.math.BigInteger.valueOf(spent).multiply(java.math.BigInteger.valueOf(100))
                .divide(java.math.BigInteger.valueOf(amount)).longValue();
    }

    /** "person alice", "team platform", "key key_…", "project shop", "cost-center cc-7", "organization", "each person", "person bob (each-person default)". */
    public String who() {
        if (scope == Scope.EACH_PERSON) return subject == null ? "each person" : "person " + subject + " (each-person default)";
        return scope == Scope.ORG ? "organization" : scope.label() + " " + subject;
    }

    /** The value at which a soft budget passes its threshold (the limit itself for a hard one). */
    public long threshold() {
        return hard ? amount : amount / 100 * thresholdPct + amount % 100 * thresholdPct / 100;
    }

    public String describe() {
        return "budget '" + name + "' (" + (hard ? "hard" : "soft") + ", " + format(amount) + " per " + period.noun()
                + " for " + who() + ")";
    }
}
