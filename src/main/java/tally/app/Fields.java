package tally.app;

import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * A request's fields that JSON may leave out or get wrong ({@code POST /api/<op>}): a missing or
 * unusable one is refused naming it ({@link IllegalArgumentException}, a 400), not left to fail
 * later as a NullPointerException (a 500). The CLI always fills them.
 */
final class Fields {
    private Fields() {}

    static <T> T required(String field, T value) {
        if (value == null) throw new IllegalArgumentException(field + ": required");
        return value;
    }

    /** An IANA time zone id such as Europe/Berlin or UTC. */
    static ZoneId zone(String field, String id) {
        required(field, id);
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(field + ": unknown time zone '" + id + "' (use an IANA name such as Europe/Berlin or UTC)");
        }
    }
}
