package tally.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Effective-dated values of one kind (price rows, long-context tiers, fast-mode multipliers),
 * sorted by start. Looked up on every priced event, so lookups allocate nothing.
 */
public final class Schedule<T> {

    private static final Schedule<?> EMPTY = new Schedule<>(List.of());

    private final List<Dated<T>> rows;

    private Schedule(List<Dated<T>> sortedRows) {
        this.rows = sortedRows;
    }

    @SuppressWarnings("unchecked")
    public static <T> Schedule<T> empty() {
        return (Schedule<T>) EMPTY;
    }

    public static <T> Schedule<T> of(List<Dated<T>> rows) {
        List<Dated<T>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Dated::from, Comparator.nullsFirst(Comparator.naturalOrder())));
        return new Schedule<>(List.copyOf(sorted));
    }

    public List<Dated<T>> rows() {
        return rows;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule<?> s && rows.equals(s.rows);
    }

    @Override
    public int hashCode() {
        return rows.hashCode();
    }

    @Override
    public String toString() {
        return rows.toString();
    }

    /** The latest-starting row in force at {@code t}, or null when none is. */
    public T at(Instant t) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            Dated<T> row = rows.get(i);
            if (row.contains(t)) return row.value();
        }
        return null;
    }

    /** Like {@link #at} but before the first row the first row applies: an old event still gets a price. */
    public T atOrFirst(Instant t) {
        T v = at(t);
        return v != null || rows.isEmpty() ? v : rows.get(0).value();
    }
}
