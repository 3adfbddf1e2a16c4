package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Source;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A developer whose Claude Code telemetry stopped: they sent some within {@code lookback}, and
 * nothing for the last {@code after} (a broken exporter, a lost token, or usage that bypasses Tally).
 */
public record TelemetryStoppedRule(Basics basics, Duration after, Duration lookback) implements AlertRule {

    public TelemetryStoppedRule {
        if (after.isZero() || lookback.compareTo(after) <= 0) {
            throw new IllegalArgumentException("lookback must be longer than after, and after more than zero");
        }
    }

    @Override
    public String kind() {
        return "telemetry-stopped";
    }

    @Override
    public List<Breach> check(Readings r) {
        Instant quietSince = r.now().minus(after);
        Set<String> before = reporting(r, r.now().minus(lookback), quietSince);
        before.removeAll(reporting(r, quietSince, r.now().plusMillis(1)));
        List<Breach> out = new ArrayList<>();
        for (String person : before) {
            out.add(new Breach("person:" + person, person, "Claude Code telemetry", "none for " + Wording.duration(after),
                    "silence of " + Wording.duration(after),
                    person + " has sent no Claude Code telemetry for " + Wording.duration(after) + ", after sending some in the "
                            + Wording.duration(lookback) + " before."));
        }
        return out;
    }

    /** People with telemetry activity, or usage that came in as telemetry, in [from, to). */
    private static Set<String> reporting(Readings r, Instant from, Instant to) {
        Set<String> people = new TreeSet<>(r.activity().totalsByPerson(from, to).keySet());
        for (Source s : List.of(Source.OTEL_EVENT, Source.OTEL_METRIC)) {
            for (UsageRow row : r.ledger().usage(UsageQuery.of(from, to, Dimension.USER, r.zone()).withSource(s.label()))) {
                people.add(row.key());
            }
        }
        return people;
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("after", Wording.formatDuration(after));
        json.put("lookback", Wording.formatDuration(lookback));
    }
}
