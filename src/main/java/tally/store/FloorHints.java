package tally.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact cost floor each recent top-requests question was last answered with: the cost of the
 * row just past its page. A hint only, never trusted: a page cut with it is kept only when it still
 * finds a row past the page (then every row cut off costs less than the page's last, so the page is
 * exact whatever was written, repriced, pruned or re-aliased since); otherwise the page is read
 * again the full way. A dashboard asks the same questions over and over, and the hint spares each
 * repeat the floor's scan and lets only about a page of rows through to the sort.
 */
final class FloorHints {
    private final int capacity;
    private final Map<List<Object>, Long> hints;

    FloorHints(int capacity) {
        this.capacity = capacity;
        this.hints = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The question: its filter (SQL and parameters, the cursor's among them) and page size. */
    static List<Object> key(Where where, int limit) {
        return List.of(where.sql(), where.params(), limit);
    }

    synchronized Long get(List<Object> key) {
        return hints.get(key);
    }

    /** Remembers the floor of a question, or forgets it (null: no priced row past the page). */
    synchronized void put(List<Object> key, Long floor) {
        if (floor == null) {
            hints.remove(key);
            return;
        }
        hints.put(key, floor);
        if (hints.size() > capacity) hints.remove(hints.keySet().iterator().next());
    }
}
