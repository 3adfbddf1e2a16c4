package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.store.Dimension;
import tally.store.UsageQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A model the price catalog does not know, used within the last {@code hours}: its cost is in no total. */
public record UnpricedModelRule(Basics basics, int hours) implements AlertRule {

    public UnpricedModelRule {
        if (hours < 1) throw new IllegalArgumentException("hours: must be at least 1");
    }

    @Override
    public String kind() {
        return "unpriced-model";
    }

    @Override
    public List<Breach> check(Readings r) {
        Instant from = Instant.ofEpochMilli(Windows.bucketStart(r.now().minus(Duration.ofHours(hours))));
        Map<String, Long> models = r.ledger().unpricedModels(UsageQuery.of(from, Windows.throughNow(r.now()), Dimension.MODEL, r.zone()));
        List<Breach> out = new ArrayList<>();
        models.forEach((model, n) -> out.add(new Breach("model:" + model, "Model " + model, "unpriced requests",
                Wording.count(n) + (n == 1 ? " request" : " requests"), "any unpriced request",
                "Model " + model + ": " + Wording.count(n) + (n == 1 ? " request" : " requests") + " in the last "
                        + hours + " hours could not be priced, so their cost is missing from every total"
                        + " (add the model with --prices FILE).")));
        return out;
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("hours", hours);
    }
}
