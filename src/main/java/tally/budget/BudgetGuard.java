package tally.budget;

import tally.core.AliasKeys;
import tally.ingest.IngestWriter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Holds budgets in memory and decides, without touching the store, whether a request may go.
 *
 * <p>A body says little about a request's real usage (files by id, images and PDFs by URL, server
 * tools, cache reads), so on a hard budget a request reserves its worst case ({@link CostBound}: the
 * model's whole context window at the dearest input price plus {@code max_tokens} of output, times
 * its server-tool rounds) and the reservation is replaced by the real cost when it finishes.
 * A request is admitted on a hard budget in one of two ways:
 * <ul>
 *   <li>alongside others, when its worst case fits in what is left ({@code limit - spent - reserved});</li>
 *   <li>alone, when it does not fit (or nothing bounds it): once no other request is in flight on that
 *       budget, it is admitted with everything left reserved, so the next waits until it settles.</li>
 * </ul>
 * A hard budget refuses (402) once what is settled reaches its limit; a request that can go neither
 * way yet waits in line (first come, first served per budget). Requests admitted alongside others
 * never take the spend past the limit, and one admitted alone starts only while the spend is below
 * it, so <b>spend never exceeds a hard limit by more than one request's actual cost</b>, whatever
 * the concurrency and whatever the usage. Soft budgets never block: they reserve the body-based
 * estimate, as their threshold (and a key's downgrade) always has.
 *
 * <p>"Spent" is what the ledger held at the last refresh plus what this process settled since.
 * Refreshing flushes the writer first, so nothing settled here is missed; a record that lands in
 * both at once is counted twice until the next refresh, which errs towards blocking. The ledger's
 * spend is every source's (other gateways sharing a PostgreSQL ledger, Bedrock logs, telemetry,
 * imported transcripts), seen at each refresh, so spend elsewhere blocks here too once it reaches
 * the limit (the bound above holds per gateway process). Each-person defaults are applied to a
 * person on their first request of a period, from what they had spent at the last refresh.
 *
 * <p>Replicas sharing one PostgreSQL ({@link #shareThrough}) decide hard budgets there instead, by
 * the same two rules applied to the whole fleet's spend and holds: spend never exceeds a hard limit by
 * more than one request's actual cost for the fleet as a whole.
 */
public final class BudgetGuard {
    private static final Logger LOG = Logger.getLogger(BudgetGuard.class.getName());
    /** Requests waiting for their turn, at most; beyond, a request is told to retry (429). */
    static final int MAX_WAITING = 10_000;

    /** What a request reserved, to be settled exactly once. */
    public static final class Reservation {
        private final List<State> states;
        private final long[] amounts;
        private final boolean[] alone;
        private final boolean inFlight;
        private boolean settled;
        /** On a fleet: what the request holds on the shared hard budgets. */
        private FleetBudgets.Hold fleetHold;

        private Reservation(List<State> states, long[] amounts, boolean[] alone, boolean inFlight) {
            this.states = states;
            this.amounts = amounts;
            this.alone = alone;
            this.inFlight = inFlight;
        }
    }

    public sealed interface Admission permits Admitted, Blocked, Queued, Busy {}

    public record Admitted(Reservation reservation) implements Admission {}

    public record Blocked(Budget budget, String message) implements Admission {}

    /** Not decided yet: the callback given to {@link #admit} gets the decision once, unless {@link #giveUp} takes it back. */
    public record Queued(Ticket ticket, String message) implements Admission {}

    /** Too many requests already wait: retry later. */
    public record Busy(String message) implements Admission {}

    /** A request waiting in line. */
    public static final class Ticket {
        private final Spender caller;
        private final CostBound bound;
        private final Consumer<Admission> then;
        /** The hard budgets it waits on; those who come after queue behind it there. */
        private Set<State> waitsOn = Set.of();

        private Ticket(Spender caller, CostBound bound, Consumer<Admission> then) {
            this.caller = caller;
            this.bound = bound;
            this.then = then;
        }
    }

    private static final class State {
        Budget budget;
        Instant periodEnd;
        long baseline;
        long local;
        long reserved;
        int inFlight;
        boolean alone;
        boolean alerted;

        State(Budget b, Instant periodEnd) {
            this.budget = b;
            this.periodEnd = periodEnd;
        }

        long spent() {
            return baseline + local;
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
    /** Each-person defaults, applied to a person on their first request of a period. */
    private volatile List<Budget> defaults = List.of();
    /** The project rules at the last refresh: a request's project tag resolves through them. */
    private volatile ProjectTags projectTags = ProjectTags.EMPTY;
    /** The defaults as applied to one person, by default name and person. */
    private final Map<String, State> personal = new HashMap<>();
    /** What each person had spent against each default at the last refresh, by default name. */
    private final Map<String, PeriodSpend> personalSpend = new HashMap<>();

    /** Spend per person in the period ending at {@code end}. */
    private record PeriodSpend(Instant end, Map<String, Long> byPerson) {}
    private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    /** Several replicas on one PostgreSQL: hard budgets are decided there (null for a single process). */
    private volatile FleetBudgets fleet;
    /** Requests whose hard budgets the fleet is deciding. */
    private final Set<Ticket> fleetWaiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public BudgetGuard(Budgets budgets, Clock clock, ZoneId zone) {
        this.budgets = budgets;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * Admits a request on every budget covering the caller (reserving its worst case on hard ones,
     * its estimate on soft ones), names the hard budget that is exhausted, or puts it in line:
     * then {@code later} gets the decision ({@link Admitted} or {@link Blocked}) once, from whichever
     * thread settles the request before it.
     */
    public Admission admit(Spender c, CostBound bound, Consumer<Admission> later) {
        List<State> covering = covering(c);
        if (covering.isEmpty()) return new Admitted(new Reservation(List.of(), new long[0], new boolean[0], false));
        Blocked unpriced = unpriced(covering, bound);
        if (unpriced != null) return unpriced;
        if (fleet != null && covering.stream().anyMatch(s -> s.budget.hard())) return admitOnFleet(c, covering, bound, later);
        Instant now = clock.instant();
        synchronized (this) {
            for (State s : covering) roll(s, now);
            Set<State> waitsOn = new HashSet<>();
            Admission a = decide(covering, bound, heldByWaiting(), now, waitsOn);
            if (a != null) return a;
            String why = waitReason(waitsOn.iterator().next(), bound);
            if (waiting.size() >= MAX_WAITING) return new Busy(why);
            Ticket t = new Ticket(c, bound, later);
            t.waitsOn = waitsOn;
            waiting.add(t);
            return new Queued(t, why);
        }
    }

    /**
     * A Message Batch at its creation: refused when a hard budget covering the caller is exhausted, cannot
     * price one of its models (a dollar budget), or has less left (after what requests in flight reserved)
     * than the batch's worst case, every request's at the batch price; null when it may go. Nothing is
     * reserved: the batch runs upstream for up to a day, and its cost counts when its results are fetched
     * ({@link #record}). Checked in this process, against the spend it saw at its last refresh and since.
     */
    public Blocked checkBatch(Spender c, CostBound bound) {
        List<State> covering = covering(c);
        Blocked unpriced = unpriced(covering, bound);
        if (unpriced != null) return unpriced;
        Instant now = clock.instant();
        synchronized (this) {
            for (State s : covering) {
                roll(s, now);
                if (!s.budget.hard()) continue;
                if (s.spent() >= s.budget.amount()) return new Blocked(s.budget, exhausted(s, now));
                long left = Math.max(0, s.budget.amount() - s.committed());
                long worst = bound.worst(s.budget.unit());
                if (worst <= left) continue;
                String cost = worst == CostBound.UNBOUNDED
                        ? "an unbounded amount (a request without max_tokens, or server tools without max_uses)"
                        : "up to " + s.budget.format(worst) + " (every request's worst case at the batch price)";
                return new Blocked(s.budget, s.budget.describe() + " has " + s.budget.format(left) + " left and this batch could cost "
                        + cost + ". Send fewer requests or a lower max_tokens, or raise the budget.");
            }
        }
        return null;
    }

    /** Takes a request out of line (it waited too long, or its client left); false when it was already decided. */
    public boolean giveUp(Ticket t) {
        if (fleetWaiting.remove(t)) return true;
        boolean removed;
        synchronized (this) {
            removed = waiting.remove(t);
        }
        if (removed) deliver(drain()); // those behind it may go now
        return removed;
    }

    /**
     * Admitted, Blocked, or null when the request must wait, with the hard budgets it waits on put in
     * {@code waitsOn} (it queues behind those only, never behind a budget it fits in). Caller holds the lock.
     */
    private Admission decide(List<State> covering, CostBound bound, Set<State> held, Instant now, Set<State> waitsOn) {
        Blocked unpriced = unpriced(covering, bound);
        if (unpriced != null) return unpriced;
        for (State s : covering) {
            if (s.budget.hard() && s.spent() >= s.budget.amount()) return new Blocked(s.budget, exhausted(s, now));
        }
        long[] amounts = new long[covering.size()];
        boolean[] alone = new boolean[covering.size()];
        for (int i = 0; i < amounts.length; i++) {
            State s = covering.get(i);
            if (!s.budget.hard()) {
                amounts[i] = bound.estimate(s.budget.unit());
                continue;
            }
            long left = Math.max(0, s.budget.amount() - s.committed());
            long worst = bound.worst(s.budget.unit());
            if (s.alone || held.contains(s)) {
                waitsOn.add(s); // one goes alone, or someone came first
            } else if (worst <= left) {
                amounts[i] = worst;
            } else if (s.inFlight == 0) {
                amounts[i] = left; // everything left: the next request waits until this one settles
                alone[i] = true;
            } else {
                waitsOn.add(s);
            }
        }
        if (!waitsOn.isEmpty()) return null;
        for (int i = 0; i < amounts.length; i++) {
            State s = covering.get(i);
            s.reserved += amounts[i];
            s.inFlight++;
            s.alone |= alone[i];
        }
        return new Admitted(new Reservation(covering, amounts, alone, true));
    }

    /**
     * A hard dollar budget cannot bound what the price catalog cannot price (it would count as $0 however
     * much it used), so it refuses the request, naming the model; token budgets count tokens whatever
     * the price, and soft budgets never block.
     */
    private static Blocked unpriced(List<State> covering, CostBound bound) {
        if (bound.unpriced() == null) return null;
        for (State s : covering) {
            if (!s.budget.hard() || s.budget.unit() != Budget.Unit.USD) continue;
            return new Blocked(s.budget, s.budget.describe() + " cannot hold a request for " + bound.unpriced()
                    + ": the price catalog has no price for it, so what it costs is unknown. Use a model the catalog prices"
                    + " ('tally prices'), or add this one's prices with a price file (tally serve --prices FILE; "
                    + "'tally prices --format json' shows the shape).");
        }
        return null;
    }

    /** Hard budgets someone already waits on: a newcomer queues behind them. Caller holds the lock. */
    private Set<State> heldByWaiting() {
        if (waiting.isEmpty()) return Set.of();
        Set<State> held = new HashSet<>();
        for (Ticket t : waiting) held.addAll(t.waitsOn);
        return held;
    }

    /** Decides whoever in line can be decided now, in order. */
    private List<Map.Entry<Ticket, Admission>> drain() {
        List<Map.Entry<Ticket, Admission>> out = new ArrayList<>();
        synchronized (this) {
            if (waiting.isEmpty()) return out;
            Instant now = clock.instant();
            Set<State> held = new HashSet<>();
            for (Iterator<Ticket> it = waiting.iterator(); it.hasNext(); ) {
                Ticket t = it.next();
                List<State> covering = covering(t.caller);
                for (State s : covering) roll(s, now);
                Set<State> waitsOn = new HashSet<>();
                Admission a = covering.isEmpty()
                        ? new Admitted(new Reservation(List.of(), new long[0], new boolean[0], false))
                        : decide(covering, t.bound, held, now, waitsOn);
                if (a == null) {
                    t.waitsOn = waitsOn;
                    held.addAll(waitsOn);
                } else {
                    it.remove();
                    out.add(Map.entry(t, a));
                }
            }
        }
        return out;
    }

    /** Outside the lock: a callback may forward at once. */
    private static void deliver(List<Map.Entry<Ticket, Admission>> decided) {
        for (Map.Entry<Ticket, Admission> d : decided) d.getKey().then.accept(d.getValue());
    }

    private static String waitReason(State s, CostBound bound) {
        long worst = bound.worst(s.budget.unit());
        String cost = worst == CostBound.UNBOUNDED ? "an unbounded amount (server tools without max_uses)"
                : "up to " + s.budget.format(worst);
        // what is left after the requests in flight reserved theirs: the spent figure alone read "$0.30 left"
        // beside a request of "up to $0.21" that was made to wait
        return s.budget.describe() + " has " + s.budget.format(Math.max(0, s.budget.amount() - s.committed()))
                + " left after the requests in flight and this request could cost " + cost + ", so its requests go one"
                + " at a time and the one before it is still in flight. Retry shortly.";
    }

    /** No budget at all: nothing to estimate or reserve. */
    public boolean none() {
        return active.isEmpty() && defaults.isEmpty();
    }

    /** Replaces a reservation by the real cost (null when unpriced) and tokens, then lets those waiting go. Idempotent. */
    public void settle(Reservation r, Long cost, long tokens) {
        synchronized (this) {
            if (r.settled) return;
            r.settled = true;
            for (int i = 0; i < r.amounts.length; i++) {
                State s = r.states.get(i);
                s.reserved -= r.amounts[i];
                if (r.inFlight) s.inFlight--;
                if (r.alone[i]) s.alone = false;
                s.local += s.budget.unit() == Budget.Unit.USD ? (cost == null ? 0 : cost) : tokens;
                if (!s.budget.hard() && !s.alerted && s.baseline + s.local >= s.budget.threshold()) {
                    s.alerted = true;
                    LOG.warning(s.budget.describe() + " passed its threshold (" + s.budget.thresholdPct() + "%): "
                            + s.budget.format(s.baseline + s.local) + " spent");
                }
            }
        }
        if (r.fleetHold != null) fleet.settle(r.fleetHold, cost, tokens);
        deliver(drain());
    }

    /** Adds spend that had no reservation (batch results) to the budgets covering the caller. */
    public void record(Spender c, Long cost, long tokens) {
        List<State> covering = covering(c);
        if (covering.isEmpty()) return;
        synchronized (this) {
            Instant now = clock.instant();
            for (State s : covering) roll(s, now);
        }
        settle(new Reservation(covering, new long[covering.size()], new boolean[covering.size()], false), cost, tokens);
        if (fleet != null) addOnFleet(covering, cost, tokens);
    }

    /** Whether a soft budget covering the caller has passed its threshold (a key's downgrade applies). */
    public boolean softPassed(Spender c) {
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
        projectTags = budgets.projectTags();
        Instant now = clock.instant();
        Map<State, Long> snapshot = new HashMap<>();
        synchronized (this) {
            Map<String, State> kept = new HashMap<>();
            List<Budget> eachPerson = new ArrayList<>();
            for (Budget b : defs) {
                if (b.isDefault()) {
                    eachPerson.add(b);
                    continue;
                }
                State s = states.get(b.name());
                if (s == null || !sameMeasure(s.budget, b)) s = new State(b, b.period().end(now, zone));
                s.budget = b;
                kept.put(b.name(), s);
            }
            states.clear();
            states.putAll(kept);
            active = new ArrayList<>(kept.values());
            keepPersonal(eachPerson);
            for (State s : states.values()) snapshot.put(s, s.local);
            for (State s : personal.values()) snapshot.put(s, s.local);
        }
        // Everything settled before the snapshot must be in the ledger before it is read.
        if (writer != null && !writer.flush(Duration.ofSeconds(10))) {
            LOG.warning("budgets: the store did not take records in time; keeping in-memory spend until the next refresh");
            return;
        }
        for (Budget b : defs) {
            if (b.isDefault()) {
                Map<String, Long> byPerson = budgets.spentByPerson(b, now, zone);
                if (fleet != null && b.hard()) fleet.observeElsewhere(b, peopleUnder(b, now), byPerson);
                synchronized (this) {
                    personalSpend.put(b.name(), new PeriodSpend(b.period().end(now, zone), byPerson));
                    for (State s : personal.values()) {
                        if (s.budget.name().equals(b.name())) rebase(s, byPerson.getOrDefault(s.budget.subject(), 0L), now, snapshot);
                    }
                }
                continue;
            }
            Budgets.Spend spend = budgets.spend(b, now, zone);
            long spent = spend.total();
            if (fleet != null && b.hard()) fleet.observeElsewhere(b, b.period().end(now, zone), spend);
            synchronized (this) {
                State s = states.get(b.name());
                if (s != null) rebase(s, spent, now, snapshot);
            }
        }
        deliver(drain()); // spend seen from other gateways or other sources, or changed limits, may decide those waiting
    }

    /** Keeps the people's states of defaults that still exist with the same measure. Caller holds the lock. */
    private void keepPersonal(List<Budget> eachPerson) {
        Map<String, Budget> byName = new HashMap<>();
        for (Budget d : eachPerson) byName.put(d.name(), d);
        personal.values().removeIf(s -> {
            Budget d = byName.get(s.budget.name());
            return d == null || !sameMeasure(s.budget, d.forPerson(s.budget.subject()));
        });
        for (State s : personal.values()) s.budget = byName.get(s.budget.name()).forPerson(s.budget.subject());
        personalSpend.keySet().retainAll(byName.keySet());
        defaults = List.copyOf(eachPerson);
    }

    /** The ledger's spend becomes the baseline; what was settled here before the snapshot is in it now. Caller holds the lock. */
    private void rebase(State s, long spent, Instant now, Map<State, Long> snapshot) {
        roll(s, now);
        if (!s.periodEnd.equals(s.budget.period().end(now, zone))) return;
        s.baseline = spent;
        s.local -= snapshot.getOrDefault(s, 0L);
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

    private List<State> covering(Spender c) {
        List<State> all = active;
        List<Budget> eachPerson = defaults;
        if (all.isEmpty() && eachPerson.isEmpty()) return List.of();
        List<State> out = new ArrayList<>(2);
        for (State s : all) {
            Budget b = s.budget;
            boolean applies = switch (b.scope()) {
                case ORG -> true;
                case PERSON -> b.subject().equals(c.person());
                case TEAM -> b.subject().equals(c.team());
                case KEY -> b.subject().equals(c.identity()) || b.subject().equals(AliasKeys.shown(c.identity())); // as reports key it
                case EACH_PERSON -> false; // held in personal
                case PROJECT -> c.project() != null && b.subject().equals(projectTags.project(c.project()));
                case COST_CENTER -> c.project() != null && b.subject().equals(projectTags.costCenter(c.project()));
            };
            if (applies) out.add(s);
        }
        if (c.person() == null) return out;
        for (Budget d : eachPerson) {
            if (!overridden(all, d, c.person())) out.add(personal(d, c.person()));
        }
        return out;
    }

    private static boolean overridden(List<State> all, Budget eachPerson, String person) {
        for (State s : all) {
            Budget b = s.budget;
            if (b.scope() == Budget.Scope.PERSON && b.subject().equals(person) && b.period() == eachPerson.period()) return true;
        }
        return false;
    }

    /** The default as it applies to this person, starting from their spend at the last refresh. */
    private synchronized State personal(Budget eachPerson, String person) {
        return personal.computeIfAbsent(eachPerson.name() + '\u0000' + person, k -> {
            State s = new State(eachPerson.forPerson(person), eachPerson.period().end(clock.instant(), zone));
            PeriodSpend seen = personalSpend.get(eachPerson.name());
            if (seen != null && seen.end().equals(s.periodEnd)) s.baseline = seen.byPerson().getOrDefault(person, 0L);
            return s;
        });
    }

    private String exhausted(State s, Instant now) {
        Budget b = s.budget;
        long spent = s.baseline + s.local;
        String reset = s.periodEnd.atZone(zone).toOffsetDateTime().toString();
        return b.describe() + " is exhausted: " + b.format(spent) + " spent of " + b.format(b.amount())
                + (s.reserved > 0 ? " (" + b.format(s.reserved) + " more reserved by requests in flight)" : "")
                + "; it resets at " + reset + ".";
    }

    // ---------------------------------------------------------------- hard budgets shared by a fleet

    /**
     * From now on, hard budgets are decided by the store every replica shares: reserve, settle and
     * hold in PostgreSQL (see {@link FleetBudgets}); soft budgets stay in this process, as they never block.
     */
    public void shareThrough(FleetBudgets shared) {
        this.fleet = shared;
    }

    /**
     * The fleet decides on a fleet thread: the request is queued at once, and gets Admitted, Blocked,
     * or (the store not answering) Busy through {@code later}. When its worst case does not fit beside
     * others in flight anywhere in the fleet, it tries again shortly, until it fits, goes alone, or gives up.
     */
    private Admission admitOnFleet(Spender c, List<State> covering, CostBound bound, Consumer<Admission> later) {
        Instant now = clock.instant();
        List<State> hard = new ArrayList<>();
        List<Budget> on = new ArrayList<>();
        List<tally.store.BudgetCounters.Claim> claims = new ArrayList<>();
        synchronized (this) {
            for (State s : covering) {
                roll(s, now);
                if (!s.budget.hard()) continue;
                hard.add(s);
                on.add(s.budget);
                claims.add(FleetBudgets.claim(s.budget, s.periodEnd, bound.worst(s.budget.unit())));
            }
        }
        Ticket t = new Ticket(c, bound, later);
        fleetWaiting.add(t);
        tryOnFleet(t, covering, hard, on, claims, 0, 0);
        return new Queued(t, waitReason(hard.get(0), bound));
    }

    private void tryOnFleet(Ticket t, List<State> covering, List<State> hard, List<Budget> on,
                            List<tally.store.BudgetCounters.Claim> claims, long delayMs, int attempt) {
        fleet.reserve(on, claims, delayMs, outcome -> {
            if (outcome instanceof tally.store.BudgetCounters.Wait) {
                if (fleetWaiting.contains(t)) tryOnFleet(t, covering, hard, on, claims, Math.min(200, 10L << Math.min(attempt, 4)), attempt + 1);
                return;
            }
            if (outcome instanceof tally.store.BudgetCounters.Exhausted x) {
                if (fleetWaiting.remove(t)) t.then.accept(new Blocked(on.get(x.index()), fleetExhausted(hard.get(x.index()), x.spent())));
                return;
            }
            long[] held = ((tally.store.BudgetCounters.Held) outcome).amounts();
            FleetBudgets.Hold hold = new FleetBudgets.Hold(claims, on.stream().map(Budget::unit).toList(), held);
            Reservation r = fleetReservation(covering, hard, held, t.bound);
            r.fleetHold = hold;
            if (fleetWaiting.remove(t)) t.then.accept(new Admitted(r));
            else settle(r, 0L, 0); // it gave up meanwhile: give back what it took
        }, e -> {
            LOG.warning("budgets: the store does not answer, so hard budgets cannot be checked: " + e.getMessage());
            if (fleetWaiting.remove(t)) t.then.accept(new Busy("the budget store does not answer, so this request's hard "
                    + "budgets cannot be checked; retry shortly"));
        });
    }

    /** The request's reservation in this process: the fleet's amounts on hard budgets, estimates on soft ones. */
    private synchronized Reservation fleetReservation(List<State> covering, List<State> hard, long[] held, CostBound bound) {
        long[] amounts = new long[covering.size()];
        for (int i = 0; i < amounts.length; i++) {
            State s = covering.get(i);
            int h = hard.indexOf(s);
            amounts[i] = h >= 0 ? held[h] : bound.estimate(s.budget.unit());
            s.reserved += amounts[i];
            s.inFlight++;
        }
        return new Reservation(covering, amounts, new boolean[amounts.length], true);
    }

    /** The people an each-person default applies to in this process, with their budget and period end. */
    private synchronized Map<String, Map.Entry<Budget, Instant>> peopleUnder(Budget eachPerson, Instant now) {
        Map<String, Map.Entry<Budget, Instant>> out = new HashMap<>();
        for (State s : personal.values()) {
            if (s.budget.name().equals(eachPerson.name()) && s.periodEnd.equals(eachPerson.period().end(now, zone))) {
                out.put(s.budget.subject(), Map.entry(s.budget, s.periodEnd));
            }
        }
        return out;
    }

    private void addOnFleet(List<State> covering, Long cost, long tokens) {
        List<Budget> on = new ArrayList<>();
        List<tally.store.BudgetCounters.Claim> claims = new ArrayList<>();
        synchronized (this) {
            for (State s : covering) {
                if (!s.budget.hard()) continue;
                on.add(s.budget);
                claims.add(FleetBudgets.claim(s.budget, s.periodEnd, 0));
            }
        }
        if (!claims.isEmpty()) fleet.add(on, claims, cost, tokens);
    }

    private String fleetExhausted(State s, long spent) {
        Budget b = s.budget;
        return b.describe() + " is exhausted: " + b.format(spent) + " spent of " + b.format(b.amount())
                + " across every replica; it resets at " + s.periodEnd.atZone(zone).toOffsetDateTime() + ".";
    }
}
