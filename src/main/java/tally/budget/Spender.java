package tally.budget;

/**
 * Who spends against budgets: the raw identity (a key's budget), the person it resolves to, their
 * team, and the raw project tag the request carries (null: none), which the project rules resolve
 * to a project and its cost center. The gateway derives it from its caller; any other path that
 * admits spend can too.
 */
public record Spender(String identity, String person, String team, String project) {
    public Spender(String identity, String person, String team) {
        this(identity, person, team, null);
    }
}
