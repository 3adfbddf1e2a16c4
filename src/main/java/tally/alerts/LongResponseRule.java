package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A response longer than {@code outputTokens} output tokens, per person, within the last {@code minutes}. */
public record LongResponseRule(Basics basics, long outputTokens, int minutes) implements AlertRule {

    public LongResponseRule {
        if (outputTokens < 1 || minutes < 1) throw new IllegalArgumentException("outputTokens and minutes: must be at least 1");
    }

    @Override
    public String kind() {
        return "long-response";
    }

    @Override
    public List<Breach> check(Readings r) {
        Instant from = r.now().minus(Duration.ofMinutes(minutes));
        List<Breach> out = new ArrayList<>();
        for (Readings.LongResponses l : r.longResponses(from, r.now().plusMillis(1), outputTokens)) {
            out.add(new Breach("person:" + l.person(), l.person(), "longest response", Wording.tokens(l.longest()),
                    Wording.tokens(outputTokens),
                    l.person() + " got a response of " + Wording.tokens(l.longest()) + " of output ("
                            + Wording.count(l.count()) + (l.count() == 1 ? " response" : " responses") + " over "
                            + Wording.count(outputTokens) + " in the last " + minutes + " minutes)."));
        }
        return out;
    }

    @Override
    public void writeFields(ObjectNode json) {
        json.put("outputTokens", outputTokens);
        json.put("minutes", minutes);
    }
}
