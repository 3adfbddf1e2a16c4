package tally.budget;

import tally.core.Source;
import tally.store.BudgetCounters;
import tally.store.Store;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Hard budgets shared by every replica on one PostgreSQL ({@link BudgetCounters}): reservations and
 * settlements go through the store, on threads of their own (never the event loop). This replica's
 * holds are renewed every third of {@code ttl}; those of a replica that died stop counting once
 * {@code ttl} passes without renewal.
 */
public final class FleetBudgets implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FleetBudgets.class.getName());

    /** What one admitted request holds on the fleet, to give back when it settles. */
    static final class Hold {
        final List<BudgetCounters.Claim> claims;
        final List<Budget.Unit> units;
        final long[] amounts;

        Hold(List<BudgetCounters.Claim> claims, List<Budget.Unit> units, long[] amounts) {
            this.claims = claims;
            this.units = units;
            this.amounts = amounts;
        }
    }

    private final BudgetCounters counters;
    private final Budgets budgets;
    private final ZoneId zone;
    private final String replica = UUID.randomUUID().toString();
    private final long ttlMs;
    private final ScheduledExecutorService pool;
    /** Counters known to exist, by budget key and period end. */
    private final Set<String> made = ConcurrentHashMap.newKeySet();

    public FleetBudgets(Store store, Budgets budgets, ZoneId zone, Duration ttl) {
        this.counters = new BudgetCounters(store);
        this.budgets = budgets;
        this.zone = zone;
        this.ttlMs = ttl.toMillis();
        this.pool = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "tally-fleet-budgets");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, ttlMs / 3);
        pool.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** The counter's key: a budget by name, unit and (for an each-person default) person. */
    static String key(Budget b) {
        return b.name() + '|' + b.unit().label() + '|' + (b.subject() == null ? "" : b.subject());
    }

    static BudgetCounters.Claim claim(Budget b, Instant periodEnd, long worst) {
        return new BudgetCounters.Claim(key(b), periodEnd.toEpochMilli(), b.amount(), worst);
    }

    /** Tries to reserve, after {@code delayMs}, on a fleet thread; {@code done} gets the outcome, {@code failed} a store failure. */
    void reserve(List<Budget> on, List<BudgetCounters.Claim> claims, long delayMs, Consumer<BudgetCounters.Outcome> done,
                 Consumer<RuntimeException> failed) {
        submit(delayMs, () -> {
            BudgetCounters.Outcome o;
            try {
                for (int i = 0; i < claims.size(); i++) ensure(on.get(i), claims.get(i));
                o = counters.reserve(replica, claims, ttlMs);
            } catch (RuntimeException e) {
                failed.accept(e);
                return;
            }
            done.accept(o);
        }, () -> failed.accept(new IllegalStateException("the server is stopping")));
    }

    /** A new budget period (or a budget new to the fleet) starts from what the ledger holds against it. */
    private void ensure(Budget b, BudgetCounters.Claim k) {
        String id = k.budget() + '@' + k.periodEndMs();
        if (made.contains(id)) return;
        if (!counters.exists(k.budget(), k.periodEndMs())) {
            Instant in = Instant.ofEpochMilli(k.periodEndMs() - 1);
            Budgets.Spend s = budgets.spend(b, in, zone);
            long gateway = s.bySource().getOrDefault(Source.GATEWAY.label(), 0L);
            counters.create(k.budget(), k.periodEndMs(), gateway, s.total() - gateway);
        }
        made.add(id);
    }

    /** Gives back what a request held and adds what it cost; retried until the store takes it. */
    void settle(Hold h, Long cost, long tokens) {
        long[] actual = new long[h.claims.size()];
        for (int i = 0; i < actual.length; i++) actual[i] = h.units.get(i) == Budget.Unit.USD ? (cost == null ? 0 : cost) : tokens;
        write(() -> counters.settle(replica, h.claims, h.amounts, actual, ttlMs), 0);
    }

    /** Adds spend that reserved nothing (batch results). */
    void add(List<Budget> on, List<BudgetCounters.Claim> claims, Long cost, long tokens) {
        long[] actual = new long[claims.size()];
        for (int i = 0; i < actual.length; i++) actual[i] = on.get(i).unit() == Budget.Unit.USD ? (cost == null ? 0 : cost) : tokens;
        write(() -> {
            for (int i = 0; i < claims.size(); i++) ensure(on.get(i), claims.get(i));
            counters.settle(replica, claims, null, actual, ttlMs);
        }, 0);
    }

    /** What other sources spent, from the ledger at a refresh (blocking; the refresh runs off the event loop). */
    void observeElsewhere(Budget b, Instant periodEnd, Budgets.Spend s) {
        long gateway = s.bySource().getOrDefault(Source.GATEWAY.label(), 0L);
        counters.observeElsewhere(key(b), periodEnd.toEpochMilli(), s.total() - gateway);
    }

    /** The same for the people an each-person default applies to here: {@code people} maps each to their budget and period end. */
    void observeElsewhere(Budget eachPerson, Map<String, Map.Entry<Budget, Instant>> people, Map<String, Long> total) {
        if (people.isEmpty()) return;
        Map<String, Long> gateway = budgets.gatewaySpentByPerson(eachPerson, Instant.now(), zone);
        for (Map.Entry<String, Map.Entry<Budget, Instant>> p : people.entrySet()) {
            long elsewhere = total.getOrDefault(p.getKey(), 0L) - gateway.getOrDefault(p.getKey(), 0L);
            counters.observeElsewhere(key(p.getValue().getKey()), p.getValue().getValue().toEpochMilli(), Math.max(0, elsewhere));
        }
    }

    /** Spent and held fleet-wide on a budget this period, for tests and listings. */
    public BudgetCounters.Standing standing(Budget b, Instant now) {
        return counters.standing(key(b), b.period().end(now, zone).toEpochMilli());
    }

    private void write(Runnable work, int attempt) {
        submit(attempt == 0 ? 0 : Math.min(5_000, 100L << Math.min(attempt, 6)), () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                if (attempt == 0) LOG.warning("budgets: the store did not take a settlement (" + e.getMessage() + "); retrying");
                write(work, attempt + 1);
            }
        }, () -> LOG.warning("budgets: a settlement was not stored before stopping; the hold expires in " + ttlMs + " ms"));
    }

    private void submit(long delayMs, Runnable work, Runnable refused) {
        try {
            pool.schedule(work, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            refused.run();
        }
    }

    private void renew() {
        try {
            counters.renew(replica, ttlMs);
        } catch (RuntimeException e) {
            LOG.warning("budgets: cannot renew this replica's holds: " + e.getMessage());
        }
    }

    /** After the server drained: lets queued settlements finish, then gives back whatever is left. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            counters.release(replica);
        } catch (RuntimeException e) {
            LOG.warning("budgets: cannot release this replica's holds (they expire in " + ttlMs + " ms): " + e.getMessage());
        }
    }
}
