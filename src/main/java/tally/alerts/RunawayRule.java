package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A runaway loop: a person's requests per minute, averaged over at least the last {@code minutes},
 * at or above {@code rpm}. Averaging over a sustained window keeps a burst from paging anyone.
 */
public record RunawayRule(Basics basics, long rpm, int minutes) implements AlertRule {

    public RunawayRule {
        if (rpm < 1 || minutes < 1) throw new IllegalArgumentException("rpm and minutes: must be at least 1");
    }

    @Override
    public String kind() {
        return "runaway";
    }

    @Override
    public List<Breach> check(Readings r) {
        Instant from = Windows.lastMinutes(r.now(), minutes);
        double elapsed = Math.max(1, Duration.between(from, r.now()).toSeconds()) / 60.0;
        List<Breach> out = new ArrayList<>();
        for (UsageRow row : r.ledger().usage(UsageQuery.of(from, Windows.throughNow(r.now()), Dimension.USER, r.zone()))) {
            double rate = row.requests() / elapsed;
            if (rate < rpm) continue;
            String perMinute = String.format(java.util.Locale.ROOT, "%.1f per minute", rate);
            out.add(new Breach("person:" + row.key(), row.key(), "requests per minute, sustained", perMinute, rpm + " per minute",
                    row.key() + " sent " + Wording.count(row.requests()) + " requests (" + Wording.dollars(row.costNanos())
                            + ") in the last " + Math.round(elapsed) + " minutes, " + perMinute + ", at or above the "
                            + rpm + " per minute runaway threshold. A loop?"));
        }
        return out;
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("rpm", rpm);
        json.put("minutes", minutes);
    }
}
