package tally.store;

/** What a usage query groups by. */
public enum Dimension {
    USER, TEAM, MODEL, SOURCE, DAY, HOUR;

    public static Dimension parse(String s) {
        for (Dimension d : values()) {
            if (d.name().equalsIgnoreCase(s)) return d;
        }
        if (s.equalsIgnoreCase("person") || s.equalsIgnoreCase("developer")) return USER;
        throw new IllegalArgumentException("--by: expected one of user, team, model, source, day, hour; got '" + s + "'");
    }

    public String label() {
        return switch (this) {
            case USER -> "Developer";
            case TEAM -> "Team";
            case MODEL -> "Model";
            case SOURCE -> "Source";
            case DAY -> "Day";
            case HOUR -> "Hour";
        };
    }
}
