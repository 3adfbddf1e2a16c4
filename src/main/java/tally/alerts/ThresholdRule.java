package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.store.UsageRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cost, tokens or requests above a limit over a period, for the organization, a team, a person, a
 * key or a model (each of them when no subject is named), optionally only one source's, model's or
 * team's usage. The seeds' alarms are these ("more than 100k invocations a day" is requests).
 */
public record ThresholdRule(Basics basics, Metric metric, Period period, Scope scope, String subject, long limit,
                            RuleFilter filter) implements AlertRule {

    public enum Metric {
        COST, TOKENS, REQUESTS;

        static Metric parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "cost", "usd", "dollars" -> COST;
                case "tokens" -> TOKENS;
                case "requests", "invocations" -> REQUESTS;
                default -> throw new IllegalArgumentException("metric: expected cost, tokens or requests; got '" + s + "'");
            };
        }
    }

    public ThresholdRule(Basics basics, Metric metric, Period period, Scope scope, String subject, long limit) {
        this(basics, metric, period, scope, subject, limit, RuleFilter.ANY);
    }

    public ThresholdRule {
        if (limit < 0) throw new IllegalArgumentException("above: must not be negative");
        if (scope == Scope.KEY && subject == null) throw new IllegalArgumentException("a key rule needs a subject (the key id)");
        if (filter == null) filter = RuleFilter.ANY;
    }

    @Override
    public String kind() {
        return "threshold";
    }

    @Override
    public List<Breach> check(Readings r) {
        Instant[] w = period.window(r.now(), r.zone());
        List<Breach> out = new ArrayList<>();
        for (UsageRow row : r.byScope(scope, subject, filter, w[0], w[1])) {
            long value = switch (metric) {
                case COST -> row.costNanos();
                case TOKENS -> row.tokens().total();
                case REQUESTS -> row.requests();
            };
            if (value <= limit) continue;
            String who = scope.who(row.key());
            String amount = format(value);
            String threshold = format(limit);
            String verb = switch (metric) {
                case COST -> " spent ";
                case TOKENS -> " used ";
                case REQUESTS -> " made ";
            };
            out.add(new Breach(scope.label() + ":" + row.key(), who,
                    metric.name().toLowerCase(Locale.ROOT) + " " + period.during() + filter.describe(), amount, threshold,
                    who + verb + amount + filter.describe() + " " + period.during() + ", above the " + threshold + " "
                            + period.adjective() + " threshold."));
        }
        return out;
    }

    private String format(long v) {
        return switch (metric) {
            case COST -> Wording.dollars(v);
            case TOKENS -> Wording.tokens(v);
            case REQUESTS -> Wording.count(v) + " requests";
        };
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("metric", metric.name().toLowerCase(Locale.ROOT));
        json.put("period", period.label());
        json.put("scope", scope.label());
        if (subject != null) json.put("subject", subject);
        if (metric == Metric.COST) json.put("above", Nanos.toDecimal(limit));
        else json.put("above", limit);
        filter.writeFields(json);
    }
}
