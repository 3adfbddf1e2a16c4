package tally.alerts;

import java.util.Locale;

/** Whose usage a threshold watches. Without a subject, each team, person or model is watched on its own. */
public enum Scope {
    ORGANIZATION, TEAM, PERSON, KEY, MODEL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "organization", "organisation", "org" -> ORGANIZATION;
            case "team" -> TEAM;
            case "person", "user", "developer" -> PERSON;
            case "key" -> KEY;
            case "model" -> MODEL;
            default -> throw new IllegalArgumentException("scope: expected organization, team, person, key or model; got '" + s + "'");
        };
    }

    /** "Team platform", "alice", "the organization", "key key_1", "model claude-x". */
    String who(String subject) {
        return switch (this) {
            case ORGANIZATION -> "The organization";
            case TEAM -> "Team " + subject;
            case PERSON -> subject;
            case KEY -> "Key " + subject;
            case MODEL -> "Model " + subject;
        };
    }
}
