package tally.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Runs every rule, compares what it finds with the stored state, and notifies on changes:
 * a scope newly out of bounds fires (once, however long it stays out), a firing scope back in
 * bounds resolves. A scope that fires again within its rule's cooldown of the last notification is
 * recorded but not sent, so a flapping condition does not flood a channel.
 */
public final class Evaluator {
    private static final Logger LOG = Logger.getLogger(Evaluator.class.getName());

    private final RuleBook rules;
    private final AlertStore store;
    private final Channels channels;
    private final Function<Instant, Readings> readings;
    private final Clock clock;
    private final Duration deliveryWait;

    public Evaluator(RuleBook rules, AlertStore store, Channels channels, Function<Instant, Readings> readings, Clock clock,
                     Duration deliveryWait) {
        this.rules = rules;
        this.store = store;
        this.channels = channels;
        this.readings = readings;
        this.clock = clock;
        this.deliveryWait = deliveryWait;
    }

    /**
     * One evaluation; returns the notifications it sent (after waiting, up to a bound, for their
     * delivery): at most one per rule, a digest of every scope that fired or resolved.
     */
    public synchronized List<Notification> tick() {
        Instant now = clock.instant();
        Readings r = readings.apply(now);
        Map<String, Map<String, AlertStore.State>> states = store.states();
        List<Notification> sent = new ArrayList<>();
        List<CompletableFuture<Void>> deliveries = new ArrayList<>();
        for (AlertRule rule : rules.rules()) {
            List<Breach> breaches;
            try {
                breaches = rule.check(r);
            } catch (RuntimeException e) {
                // leave this rule's state as it was: a store outage must not resolve every alert
                LOG.warning("alerts: rule " + rule.name() + " could not be evaluated: " + e.getMessage());
                continue;
            }
            Map<String, AlertStore.State> mine = states.getOrDefault(rule.name(), new HashMap<>());
            Set<String> seen = new HashSet<>();
            boolean reachable = channels.reachesAny(rule.basics().channels());
            List<Breach> fired = fire(rule, breaches, mine, seen, now, reachable);
            List<String> resolved = resolve(rule, mine, seen, now, reachable);
            if (fired.isEmpty() && resolved.isEmpty()) continue;
            Notification n = Notification.digest(rule, fired, resolved, now);
            sent.add(n);
            deliveries.add(channels.deliver(n, rule.basics().channels(), now));
        }
        await(deliveries);
        return sent;
    }

    /**
     * Records every scope newly out of bounds; returns those to announce: not cooling down, and of
     * several in one group (a budget past 50, 80 and 90% at once) only the last. None when the rule
     * names no configured channel ({@code reachable} false): the history then says not notified.
     */
    private List<Breach> fire(AlertRule rule, List<Breach> breaches, Map<String, AlertStore.State> mine, Set<String> seen, Instant now,
                              boolean reachable) {
        List<Breach> fresh = new ArrayList<>();
        Map<String, Breach> lastOfGroup = new HashMap<>();
        for (Breach b : breaches) {
            if (!seen.add(b.scopeKey())) continue;
            AlertStore.State st = mine.get(b.scopeKey());
            if (st != null && st.firing()) continue;
            fresh.add(b);
            lastOfGroup.put(b.group(), b);
        }
        List<Breach> announce = new ArrayList<>();
        for (Breach b : fresh) {
            AlertStore.State st = mine.get(b.scopeKey());
            boolean cooling = st != null && st.notifiedMs() != null
                    && now.toEpochMilli() - st.notifiedMs() < rule.basics().cooldown().toMillis();
            boolean send = reachable && !cooling && lastOfGroup.get(b.group()) == b;
            store.putState(rule.name(), b.scopeKey(), new AlertStore.State(true, now.toEpochMilli(),
                    send ? Long.valueOf(now.toEpochMilli()) : st == null ? null : st.notifiedMs(), b.who()));
            store.record(new AlertStore.Entry(UUID.randomUUID().toString(), now.toEpochMilli(), rule.name(), rule.kind(),
                    b.scopeKey(), "firing", send, b.who(), b.amount(), b.threshold(), b.message()));
            if (send) announce.add(b);
        }
        if (!fresh.isEmpty() && !reachable) {
            LOG.warning("alerts: rule " + rule.name() + " names no configured channel (" + String.join(", ", rule.basics().channels())
                    + "; configured: " + String.join(", ", channels.names()) + "): recorded, not sent");
        }
        return announce;
    }

    /**
     * Records every firing scope now back in bounds; returns who to announce (those whose firing was
     * sent, when the rule still names a configured channel).
     */
    private List<String> resolve(AlertRule rule, Map<String, AlertStore.State> mine, Set<String> seen, Instant now, boolean reachable) {
        List<String> announce = new ArrayList<>();
        for (Map.Entry<String, AlertStore.State> e : mine.entrySet()) {
            AlertStore.State st = e.getValue();
            if (!st.firing() || seen.contains(e.getKey())) continue;
            // notified since it began firing: its resolution is news too; a cooled-down firing was never sent
            boolean news = reachable && rule.announcesResolution() && st.notifiedMs() != null && st.notifiedMs() >= st.sinceMs();
            String who = store.lastWho(rule.name(), e.getKey());
            store.putState(rule.name(), e.getKey(), new AlertStore.State(false, now.toEpochMilli(), st.notifiedMs(), who));
            store.record(new AlertStore.Entry(UUID.randomUUID().toString(), now.toEpochMilli(), rule.name(), rule.kind(),
                    e.getKey(), "resolved", news, who, "", "", who + " is back within rule " + rule.name() + "."));
            if (news) announce.add(who);
        }
        return announce;
    }

    private void await(List<CompletableFuture<Void>> deliveries) {
        try {
            CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new)).get(deliveryWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // still retrying in the background; the next evaluation should not wait on a slow receiver
        }
    }

    /** Firing scopes per rule, for the {@code tally_alerts_firing} gauge. */
    public Map<String, Integer> firing() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        store.states().forEach((rule, scopes) -> out.put(rule, (int) scopes.values().stream().filter(AlertStore.State::firing).count()));
        return out;
    }
}
