package tally.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;

/**
 * A WHERE clause built from conditions, each with its bind parameters in order. The SQL is made
 * once from the parts, never appended to or patched afterwards.
 */
final class Where {
    /** One condition and its parameters. */
    record Condition(String sql, List<Object> params) {
        static Condition of(String sql, Object... params) {
            return new Condition(sql, Arrays.asList(params));
        }

        /** {@code column IN (…)}; nothing matches an empty list. */
        static Condition in(String column, Collection<?> values) {
            if (values.isEmpty()) return of("1 = 0");
            return new Condition(column + " IN (" + Jdbc.marks(values.size()) + ")", new ArrayList<>(values));
        }

        /** {@code NOT column IN (…)}; everything matches an empty list. */
        static Condition notIn(String column, Collection<?> values) {
            if (values.isEmpty()) return of("1 = 1");
            Condition in = in(column, values);
            return new Condition("NOT " + in.sql(), in.params());
        }

        /** Any of the conditions (parenthesized). */
        static Condition anyOf(List<Condition> alternatives) {
            return join(alternatives, " OR ");
        }

        /** All of the conditions (parenthesized). */
        static Condition allOf(List<Condition> parts) {
            return join(parts, " AND ");
        }

        private static Condition join(List<Condition> parts, String op) {
            StringJoiner sql = new StringJoiner(op, "(", ")");
            List<Object> params = new ArrayList<>();
            for (Condition c : parts) {
                sql.add(c.sql());
                params.addAll(c.params());
            }
            return new Condition(sql.toString(), params);
        }
    }

    private final List<Condition> conditions = new ArrayList<>();

    Where and(String sql, Object... params) {
        return and(Condition.of(sql, params));
    }

    Where and(Condition c) {
        conditions.add(c);
        return this;
    }

    Where in(String column, Collection<?> values) {
        return and(Condition.in(column, values));
    }

    /** A new clause with these conditions, to add more to without changing this one. */
    Where copy() {
        Where w = new Where();
        w.conditions.addAll(conditions);
        return w;
    }

    boolean isEmpty() {
        return conditions.isEmpty();
    }

    /** " WHERE a AND b", or "" when there is no condition. */
    String sql() {
        if (conditions.isEmpty()) return "";
        StringJoiner sql = new StringJoiner(" AND ", " WHERE ", "");
        for (Condition c : conditions) sql.add(c.sql());
        return sql.toString();
    }

    /** The parameters, in the order of {@link #sql()}. */
    List<Object> params() {
        List<Object> out = new ArrayList<>();
        for (Condition c : conditions) out.addAll(c.params());
        return out;
    }
}
