package tally.alerts;

/**
 * One scope a rule finds out of bounds right now: who, what, how much and the threshold, already
 * worded (money formatted here, at the edge), plus the sentence a channel shows.
 *
 * @param scopeKey stable identity of what is watched (a team, a person, a budget's percentage), for
 *                 state and cooldown
 * @param group    breaches of one group that fire in the same evaluation are one crossing: only the
 *                 last (a budget's highest percentage) is announced; the others are recorded
 */
public record Breach(String scopeKey, String who, String what, String amount, String threshold, String message, String group) {

    /** A breach that is its own group. */
    public Breach(String scopeKey, String who, String what, String amount, String threshold, String message) {
        this(scopeKey, who, what, amount, threshold, message, scopeKey);
    }
}
