package tally.alerts;

import tally.store.AlertStateStore;
import tally.store.Store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Alert rules added through the API, where each rule stands per scope, the history, and reports sent. */
public final class AlertStore {

    /** Where one rule stands for one scope. {@code notifiedMs} is when it last notified (null: never). */
    public record State(boolean firing, long sinceMs, Long notifiedMs, String who) {}

    /** One firing or resolution. */
    public record Entry(String id, long tsMs, String rule, String kind, String scopeKey, String state, boolean notified,
                        String who, String amount, String threshold, String message) {}

    private final AlertStateStore store;

    public AlertStore(Store store) {
        this.store = new AlertStateStore(store);
    }

    // ---------------------------------------------------------------- rules from the API

    public Map<String, String> rules() {
        return store.rules();
    }

    public void saveRule(String name, String body, long nowMs) {
        store.saveRule(name, body, nowMs);
    }

    public boolean deleteRule(String name) {
        return store.deleteRule(name);
    }

    // ---------------------------------------------------------------- state

    /** rule → scope key → state. The who is kept in the history; here it is read back for resolutions. */
    public Map<String, Map<String, State>> states() {
        Map<String, Map<String, State>> out = new HashMap<>();
        store.states().forEach((rule, byScope) -> {
            Map<String, State> states = new HashMap<>();
            byScope.forEach((scope, s) -> states.put(scope, new State(s.firing(), s.sinceMs(), s.notifiedMs(), null)));
            out.put(rule, states);
        });
        return out;
    }

    public void putState(String rule, String scopeKey, State s) {
        store.putState(rule, scopeKey, new AlertStateStore.State(s.firing(), s.sinceMs(), s.notifiedMs()));
    }

    // ---------------------------------------------------------------- history

    public void record(Entry e) {
        store.record(new AlertStateStore.Entry(e.id(), e.tsMs(), e.rule(), e.kind(), e.scopeKey(), e.state(), e.notified(),
                e.who(), e.amount(), e.threshold(), e.message()));
    }

    /** Newest first. */
    public List<Entry> history(int limit) {
        List<Entry> out = new ArrayList<>();
        for (AlertStateStore.Entry e : store.history(limit)) {
            out.add(new Entry(e.id(), e.tsMs(), e.rule(), e.kind(), e.scopeKey(), e.state(), e.notified(), e.who(),
                    e.amount(), e.threshold(), e.message()));
        }
        return out;
    }

    /** The who of the latest firing of a rule for a scope, to name it when it resolves. */
    public String lastWho(String rule, String scopeKey) {
        return store.lastWho(rule, scopeKey, scopeKey);
    }

    // ---------------------------------------------------------------- scheduled reports

    public boolean reportSent(String schedule, String period) {
        return store.reportSent(schedule, period);
    }

    public void markReportSent(String schedule, String period, long nowMs) {
        store.markReportSent(schedule, period, nowMs);
    }
}
