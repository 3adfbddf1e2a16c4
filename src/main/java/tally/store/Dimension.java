package tally.store;

/** What a usage query groups by. */
public enum Dimension {
    USER, TEAM, MODEL, SOURCE, DAY, HOUR, WEEK, MONTH, SESSION, PROJECT, COST_CENTER, KEY, REGION;

    /** Cut from time buckets in the query's zone rather than from a column. */
    public boolean isTime() {
        return this == DAY || this == HOUR || this == WEEK || this == MONTH;
    }

    public static Dimension parse(String s) {
        for (Dimension d : values()) {
            if (d.name().equalsIgnoreCase(s)) return d;
        }
        if (s.equalsIgnoreCase("person") || s.equalsIgnoreCase("developer")) return USER;
        if (s.equalsIgnoreCase("cost-center") || s.equalsIgnoreCase("costcenter")) return COST_CENTER;
        if (s.equalsIgnoreCase("identity")) return KEY;
        throw new IllegalArgumentException("--by: expected one of user, team, model, source, project, cost-center, key, region,"
                + " day, hour, week, month, session; got '" + s + "'");
    }

    public String label() {
        return switch (this) {
            case USER -> "Developer";
            case TEAM -> "Team";
            case MODEL -> "Model";
            case SOURCE -> "Source";
            case DAY -> "Day";
            case HOUR -> "Hour";
            case WEEK -> "Week";
            case MONTH -> "Month";
            case SESSION -> "Session";
            case PROJECT -> "Project";
            case COST_CENTER -> "Cost center";
            case KEY -> "Key / identity";
            case REGION -> "Region";
        };
    }
}
