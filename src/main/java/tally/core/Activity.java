package tally.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One productivity signal from telemetry: a session started, lines changed, a commit, a pull
 * request, an edit accepted or rejected, seconds of active time, a prompt. Idempotent by id.
 * {@code counter} is the cumulative counter point the value was counted from, or null: the store
 * applies it with the row (see {@link CounterPoint}).
 */
public record Activity(String id, Instant time, String identity, String team, String sessionId, Kind kind, double value,
                       CounterPoint counter) {

    public Activity(String id, Instant time, String identity, String team, String sessionId, Kind kind, double value) {
        this(id, time, identity, team, sessionId, kind, value, null);
    }

    /** A copy counted from this counter point. */
    public Activity withCounter(CounterPoint point) {
        return new Activity(id, time, identity, team, sessionId, kind, value, point);
    }

    /** A copy with a value counted again against the saved series (its increment, in the point's units). */
    public Activity withIncrement(double increment) {
        double v = kind == Kind.ESTIMATED_COST_METRIC ? Math.round(increment * 1e9) : increment; // dollars to whole nanos
        return new Activity(id, time, identity, team, sessionId, kind, v, counter);
    }

    public enum Kind {
        SESSION, LINES_ADDED, LINES_REMOVED, COMMIT, PULL_REQUEST, EDIT_ACCEPTED, EDIT_REJECTED,
        ACTIVE_USER_SECONDS, ACTIVE_CLI_SECONDS, PROMPT, TOOL_RESULT, TOOL_ACCEPTED, TOOL_REJECTED,
        /**
         * Claude Code's own cost estimate, in whole nano-dollars (exact in the value column up to
         * $9 million), from api_request events or, for sessions without them, the cost metric. Kept
         * for reconciliation only: the ledger prices tokens itself.
         */
        ESTIMATED_COST_EVENT, ESTIMATED_COST_METRIC;

        public String label() {
            return name().toLowerCase();
        }

        public static Kind fromLabel(String s) {
            return valueOf(s.toUpperCase());
        }
    }

    public Activity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(identity, "identity");
        identity = AliasKeys.normal(identity); // as usage records keep it
        Objects.requireNonNull(kind, "kind");
    }
}
