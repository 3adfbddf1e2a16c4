package tally.alerts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Every rule in force: the defaults, then the config file's (same name replaces a default), then
 * those added through the API (which may not take a name the file or the defaults use).
 */
public final class RuleBook {
    private static final Logger LOG = Logger.getLogger(RuleBook.class.getName());

    public enum Origin { DEFAULT, FILE, API }

    public record Entry(AlertRule rule, Origin origin) {}

    private final Map<String, Entry> fixed = new LinkedHashMap<>();
    private final AlertStore store;

    public RuleBook(AlertsConfig config, AlertStore store) {
        this.store = store;
        if (config.defaults()) DefaultRules.all().forEach(r -> fixed.put(r.name(), new Entry(r, Origin.DEFAULT)));
        config.rules().forEach(r -> fixed.put(r.name(), new Entry(r, Origin.FILE)));
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(fixed.values());
        store.rules().forEach((name, body) -> {
            if (fixed.containsKey(name)) return;
            try {
                out.add(new Entry(RuleJson.parse(RuleJson.JSON.readTree(body)), Origin.API));
            } catch (Exception e) {
                LOG.warning("alerts: stored rule '" + name + "' is unreadable, skipped: " + e.getMessage());
            }
        });
        return out;
    }

    public List<AlertRule> rules() {
        return entries().stream().map(Entry::rule).toList();
    }

    /** Adds or replaces an API rule; refuses a name the file or the defaults use. */
    public void save(AlertRule rule, long nowMs) {
        if (fixed.containsKey(rule.name())) {
            throw new IllegalStateException("rule '" + rule.name() + "' comes from the " + fixed.get(rule.name()).origin().name().toLowerCase()
                    + " rules; choose another name");
        }
        store.saveRule(rule.name(), RuleJson.write(rule).toString(), nowMs);
    }

    /** Removes an API rule: true if it was there. Rules from the file or the defaults cannot be removed here. */
    public boolean delete(String name) {
        if (fixed.containsKey(name)) {
            throw new IllegalStateException("rule '" + name + "' comes from the " + fixed.get(name).origin().name().toLowerCase()
                    + " rules; change the config file instead");
        }
        return store.deleteRule(name);
    }
}
