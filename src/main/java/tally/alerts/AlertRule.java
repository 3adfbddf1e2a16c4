package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;

/**
 * A condition watched every evaluation. Each kind finds the scopes out of bounds now; the
 * {@link Evaluator} turns appearing and disappearing breaches into firing and resolved alerts.
 */
public sealed interface AlertRule permits ThresholdRule, BudgetRule, BaselineRule, RunawayRule, AfterHoursRule,
        LongResponseRule, UnpricedModelRule, TelemetryStoppedRule {

    /** Name, cooldown and channels: what every rule has. An empty channel list means every channel. */
    record Basics(String name, Duration cooldown, List<String> channels) {
        public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(1);
    }

    Basics basics();

    /** The kind as written in the config file ("threshold", "budget", …). */
    String kind();

    List<Breach> check(Readings r);

    /** The rule's own fields, in the config file's shape (the basics are added by {@link RuleJson}). */
    void writeFields(ObjectNode json);

    /** Whether a scope coming back within bounds is news worth a message (a budget resetting is not). */
    default boolean announcesResolution() {
        return true;
    }

    default String name() {
        return basics().name();
    }
}
