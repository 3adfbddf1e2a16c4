package tally.gateway;

import tally.ingest.IngestWriter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Holds budgets in memory and decides, without touching the store, whether a request may go.
 *
 * <p>Before forwarding, a request reserves an upper bound of its cost on every budget that covers
 * it; when it finishes, the reservation is replaced by the real cost. A request is admitted while
 * {@code spent + reserved < limit} on each hard budget. So concurrent requests cannot overshoot
 * beyond the reservations in flight: <b>spend never exceeds a hard limit by more than the largest
 * single reservation</b> (the last request admitted), whatever the concurrency.
 *
 * <p>"Spent" is what the ledger held at the last refresh plus what this process settled since.
 * Refreshing flushes the writer first, so nothing settled here is missed; a record that lands in
 * both at once is counted twice until the next refresh, which errs towards blocking. Other gateways
 * sharing a PostgreSQL ledger are seen at each refresh.
 */
public final class BudgetGuard {
    private static final Logger LOG = Logger.getLogger(BudgetGuard.class.getName());

    /** What a request reserved, to be settled exactly once. */
    public static final class Reservation {
        private final List<State> states;
        private final long[] amounts;
        private boolean settled;

        private Reservation(List<State> states, long[] amounts) {
            this.states = states;
            this.amounts = amounts;
        }
    }

    public sealed interface Admission permits Admitted, Blocked {}

    public record Admitted(Reservation reservation) implements Admission {}

    public record Blocked(Budget budget, String message) implements Admission {}

    private static final class State {
        Budget budget;
        Instant periodEnd;
        long baseline;
        long local;
        long reserved;
        boolean alerted;

        State(Budget b, Instant periodEnd) {
            this.budget = b;
            this.periodEnd = periodEnd;
        }

        long committed() {
            return baseline + local + reserved;
        }
    }

    private final Budgets budgets;
    private final Clock clock;
    private final ZoneId zone;
    private final Map<String, State> states = new HashMap<>();
    private volatile List<State> active = List.of();

    public BudgetGuard(Budgets budgets, Clock clock, ZoneId zone) {
        this.budgets = budgets;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * Reserves {@code cost} nano-dollars (null when the model is unpriced: nothing to reserve in
     * dollars) and {@code tokens} tokens on every budget covering the caller, or names the hard
     * budget that is exhausted.
     */
    Admission admit(Caller c, Long cost, long tokens) {
        List<State> covering = covering(c);
        if (covering.isEmpty()) return new Admitted(new Reservation(List.of(), new long[0]));
        Instant now = clock.instant();
        synchronized (this) {
            for (State s : covering) {
                roll(s, now);
                if (s.budget.hard() && s.committed() >= s.budget.amount()) {
                    return new Blocked(s.budget, exhausted(s, now));
                }
            }
            long[] amounts = new long[covering.size()];
            for (int i = 0; i < amounts.length; i++) {
                State s = covering.get(i);
                amounts[i] = s.budget.unit() == Budget.Unit.USD ? (cost == null ? 0 : cost) : tokens;
                s.reserved += amounts[i];
            }
            return new Admitted(new Reservation(covering, amounts));
        }
    }

    /** No budget at all: nothing to estimate or reserve. */
    boolean none() {
        return active.isEmpty();
    }

    /** Replaces a reservation by the real cost (null when unpriced) and tokens. Idempotent. */
    void settle(Reservation r, Long cost, long tokens) {
        synchronized (this) {
            if (r.settled) return;
            r.settled = true;
            for (int i = 0; i < r.amounts.length; i++) {
                State s = r.states.get(i);
                s.reserved -= r.amounts[i];
                s.local += s.budget.unit() == Budget.Unit.USD ? (cost == null ? 0 : cost) : tokens;
                if (!s.budget.hard() && !s.alerted && s.baseline + s.local >= s.budget.threshold()) {
                    s.alerted = true;
                    LOG.warning(s.budget.describe() + " passed its threshold (" + s.budget.thresholdPct() + "%): "
                            + s.budget.format(s.baseline + s.local) + " spent");
                }
            }
        }
    }

    /** Adds spend that had no reservation (batch results) to the budgets covering the caller. */
    void record(Caller c, Long cost, long tokens) {
        List<State> covering = covering(c);
        if (covering.isEmpty()) return;
        synchronized (this) {
            Instant now = clock.instant();
            for (State s : covering) roll(s, now);
        }
        settle(new Reservation(covering, new long[covering.size()]), cost, tokens);
    }

    /** Whether a soft budget covering the caller has passed its threshold (a key's downgrade applies). */
    boolean softPassed(Caller c) {
        Instant now = clock.instant();
        synchronized (this) {
            for (State s : covering(c)) {
                roll(s, now);
                if (!s.budget.hard() && s.committed() >= s.budget.threshold()) return true;
            }
        }
        return false;
    }

    /**
     * Re-reads budget definitions and what the ledger holds against each. Blocking (store reads):
     * call at start and then periodically, off the event loop.
     */
    public void refresh(IngestWriter writer) {
        List<Budget> defs = budgets.list();
        Instant now = clock.instant();
        Map<String, Long> snapshot = new HashMap<>();
        synchronized (this) {
            Map<String, State> kept = new HashMap<>();
            for (Budget b : defs) {
                State s = states.get(b.name());
                if (s == null || !sameMeasure(s.budget, b)) s = new State(b, b.period().end(now, zone));
                s.budget = b;
                kept.put(b.name(), s);
                snapshot.put(b.name(), s.local);
            }
            states.clear();
            states.putAll(kept);
            active = new ArrayList<>(kept.values());
        }
        // Everything settled before the snapshot must be in the ledger before it is read.
        if (writer != null && !writer.flush(Duration.ofSeconds(10))) {
            LOG.warning("budgets: the store did not take records in time; keeping in-memory spend until the next refresh");
            return;
        }
        for (Budget b : defs) {
            long spent = budgets.spent(b, now, zone);
            synchronized (this) {
                State s = states.get(b.name());
                if (s == null) continue;
                roll(s, now);
                if (!s.periodEnd.equals(b.period().end(now, zone))) continue;
                s.baseline = spent;
                s.local -= snapshot.getOrDefault(b.name(), 0L);
            }
        }
    }

    /** Spent plus reserved against one budget now, for tests and listings. */
    public synchronized long committed(String name) {
        State s = states.get(name);
        return s == null ? 0 : s.committed();
    }

    private static boolean sameMeasure(Budget a, Budget b) {
        return a.scope() == b.scope() && java.util.Objects.equals(a.subject(), b.subject())
                && a.period() == b.period() && a.unit() == b.unit();
    }

    private void roll(State s, Instant now) {
        if (now.isBefore(s.periodEnd)) return;
        s.periodEnd = s.budget.period().end(now, zone);
        s.baseline = 0;
        s.local = 0;
        s.alerted = false;
    }

    private List<State> covering(Caller c) {
        List<State> all = active;
        if (all.isEmpty()) return List.of();
        List<State> out = new ArrayList<>(2);
        for (State s : all) {
            Budget b = s.budget;
            boolean applies = switch (b.scope()) {
                case ORG -> true;
                case PERSON -> b.subject().equals(c.person());
                case TEAM -> b.subject().equals(c.team());
                case KEY -> b.subject().equals(c.identity());
            };
            if (applies) out.add(s);
        }
        return out;
    }

    private String exhausted(State s, Instant now) {
        Budget b = s.budget;
        long spent = s.baseline + s.local;
        String reset = s.periodEnd.atZone(zone).toOffsetDateTime().toString();
        return b.describe() + " is exhausted: " + b.format(spent) + " spent of " + b.format(b.amount())
                + (s.reserved > 0 ? " (" + b.format(s.reserved) + " more reserved by requests in flight)" : "")
                + "; it resets at " + reset + ".";
    }
}
