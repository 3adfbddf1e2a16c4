package tally.budget;

/**
 * Who spends against budgets: the raw identity (a key's budget), the person it resolves to and their
 * team. The gateway derives it from its caller; any other path that admits spend can too.
 */
public record Spender(String identity, String person, String team) {}
