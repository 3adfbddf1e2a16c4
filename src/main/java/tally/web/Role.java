package tally.web;

import java.util.Locale;

/** What a dashboard user may do: an admin everything, a viewer read only and no key list. */
public enum Role {
    ADMIN, VIEWER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        for (Role r : values()) if (r.label().equalsIgnoreCase(s)) return r;
        throw new IllegalArgumentException("--role: expected admin or viewer, got '" + s + "'");
    }
}
