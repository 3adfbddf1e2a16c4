package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.store.UsageRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cost or tokens above a limit over a period, for the organization, a team, a person, a key or a
 * model (each of them when no subject is named). The seeds' alarms are two of these.
 */
public record ThresholdRule(Basics basics, Metric metric, Period period, Scope scope, String subject, long limit)
        implements AlertRule {

    public enum Metric {
        COST, TOKENS;

        static Metric parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "cost", "usd", "dollars" -> COST;
                case "tokens" -> TOKENS;
                default -> throw new IllegalArgumentException("metric: expected cost or tokens; got '" + s + "'");
            };
        }
    }

    public ThresholdRule {
        if (limit < 0) throw new IllegalArgumentException("above: must not be negative");
        if (scope == Scope.KEY && subject == null) throw new IllegalArgumentException("a key rule needs a subject (the key id)");
    }

    @Override
    public String kind() {
        return "threshold";
    }

    @Override
    public List<Breach> check(Readings r) {
        Instant[] w = period.window(r.now(), r.zone());
        List<Breach> out = new ArrayList<>();
        for (UsageRow row : r.byScope(scope, subject, w[0], w[1])) {
            long value = metric == Metric.COST ? row.costNanos() : row.tokens().total();
            if (value <= limit) continue;
            String who = scope.who(row.key());
            String amount = format(value);
            String threshold = format(limit);
            String verb = metric == Metric.COST ? " spent " : " used ";
            out.add(new Breach(scope.label() + ":" + row.key(), who,
                    (metric == Metric.COST ? "cost " : "tokens ") + period.during(), amount, threshold,
                    who + verb + amount + " " + period.during() + ", above the " + threshold + " " + period.adjective()
                            + " threshold."));
        }
        return out;
    }

    private String format(long v) {
        return metric == Metric.COST ? Wording.dollars(v) : Wording.tokens(v);
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("metric", metric.name().toLowerCase(Locale.ROOT));
        json.put("period", period.label());
        json.put("scope", scope.label());
        if (subject != null) json.put("subject", subject);
        if (metric == Metric.COST) json.put("above", Nanos.toDecimal(limit));
        else json.put("above", limit);
    }
}
