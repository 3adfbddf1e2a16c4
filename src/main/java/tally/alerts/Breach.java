package tally.alerts;

/**
 * One scope a rule finds out of bounds right now: who, what, how much and the threshold, already
 * worded (money formatted here, at the edge), plus the sentence a channel shows.
 *
 * @param scopeKey stable identity of what is watched (a team, a person, a budget's percentage), for
 *                 state and cooldown
 */
public record Breach(String scopeKey, String who, String what, String amount, String threshold, String message) {}
