package tally.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Token buckets shared by every replica on one PostgreSQL: one row per bucket, refilled continuously
 * by the database's clock and taken from under its row lock, so the fleet as a whole keeps the rate.
 */
public final class RateBuckets {
    /** One bucket a request draws on; {@code take} is what it takes when admitted (0 for a token bucket: it only must not be empty). */
    public record Draw(String name, long perMinute, long take) {}

    private final Store store;

    public RateBuckets(Store store) {
        this.store = store;
    }

    /**
     * Takes from every bucket, or from none: returns -1 when all had enough, else the index of the
     * first that did not, with {@code levels} filled with each bucket's level after refill.
     */
    public int take(List<Draw> draws, double[] levels) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < draws.size(); i++) order.add(i);
        order.sort(Comparator.comparing(i -> draws.get(i).name()));
        return store.inTransaction(c -> {
            for (int i : order) {
                Draw d = draws.get(i);
                levels[i] = Jdbc.query(c, refill(), List.of(d.name(), d.perMinute(), d.perMinute()), rs -> rs.getDouble(1)).get(0);
                double need = d.take() > 0 ? d.take() : Double.MIN_VALUE;
                if (levels[i] < need) return i;
            }
            for (int i : order) {
                Draw d = draws.get(i);
                if (d.take() > 0) Jdbc.update(c, "UPDATE rate_buckets SET level = level - ? WHERE name = ?", d.take(), d.name());
            }
            return -1;
        });
    }

    /** Takes what a finished request used from the buckets (which may go below zero). */
    public void spend(List<Draw> draws) {
        List<Draw> sorted = new ArrayList<>(draws);
        sorted.sort(Comparator.comparing(Draw::name));
        store.inTransaction(c -> {
            for (Draw d : sorted) {
                Jdbc.query(c, refill(), List.of(d.name(), d.perMinute(), d.perMinute()), rs -> rs.getDouble(1));
                Jdbc.update(c, "UPDATE rate_buckets SET level = level - ? WHERE name = ?", d.take(), d.name());
            }
            return null;
        });
    }

    /** Refills a bucket to now (made full if new, or if its rate changed) and locks it; returns its level. */
    private static String refill() {
        String now = BudgetCounters.NOW_MS;
        return "INSERT INTO rate_buckets (name, per_minute, level, at_ms) VALUES (?, ?, ?, " + now + ")"
                + " ON CONFLICT (name) DO UPDATE SET"
                + " level = CASE WHEN rate_buckets.per_minute <> EXCLUDED.per_minute THEN EXCLUDED.level"
                + "   ELSE LEAST(rate_buckets.per_minute, rate_buckets.level"
                + "     + GREATEST(0, EXCLUDED.at_ms - rate_buckets.at_ms) * rate_buckets.per_minute / 60000.0) END,"
                + " per_minute = EXCLUDED.per_minute, at_ms = GREATEST(rate_buckets.at_ms, EXCLUDED.at_ms)"
                + " RETURNING level";
    }
}
