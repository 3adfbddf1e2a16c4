package tally.identity;

import java.util.List;

/** A developer: a name, an optional team tag, and the raw identities that are theirs. */
public record Person(String name, String team, List<String> aliases) {}
