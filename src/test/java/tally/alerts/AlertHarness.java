package tally.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import tally.core.UsageEvent;
import tally.budget.Budgets;
import tally.store.ActivityLog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/** A store, a clock, Slack and webhook receivers, and an evaluator over the given rules (no defaults). */
final class AlertHarness implements AutoCloseable {
    static final String SECRET = "s3cret";

    final Store store;
    final Ledger ledger;
    final ActivityLog activity;
    final MutableClock clock;
    final Receiver slack;
    final Receiver hook;
    final Vertx vertx = Vertx.vertx();
    final Channels channels;
    final AlertStore alerts;
    final RuleBook rules;
    final Evaluator evaluator;

    AlertHarness(StoreConfig config, String now, String... rules) throws Exception {
        this(config, now, (java.time.Duration) null, rules);
    }

    /** With {@code hookCooldown}, the webhook channel has that per-channel cooldown. */
    AlertHarness(StoreConfig config, String now, java.time.Duration hookCooldown, String... rules) throws Exception {
        store = Store.open(config);
        ledger = new Ledger(store);
        activity = new ActivityLog(store);
        clock = new MutableClock(now);
        slack = new Receiver();
        hook = new Receiver();
        ObjectNode root = RuleJson.JSON.createObjectNode().put("defaults", false);
        ObjectNode ch = root.putObject("channels");
        ch.putObject("slack").put("type", "slack").put("url", slack.url()).put("backoff", "20ms");
        ObjectNode h = ch.putObject("hook").put("type", "webhook").put("url", hook.url()).put("secret", SECRET).put("backoff", "20ms");
        if (hookCooldown != null) h.put("cooldown", hookCooldown.toMinutes() + "m");
        ArrayNode list = root.putArray("rules");
        for (String r : rules) list.add(RuleJson.JSON.readTree(r));
        AlertsConfig cfg = AlertsConfig.parse(root);
        channels = Channels.build(vertx, cfg.channels());
        alerts = new AlertStore(store);
        this.rules = new RuleBook(cfg, alerts);
        Budgets budgets = new Budgets(store, ledger);
        evaluator = new Evaluator(this.rules, alerts, channels,
                at -> new Readings(store, ledger, activity, budgets, ZoneOffset.UTC, at), clock, Duration.ofSeconds(20));
    }

    void write(UsageEvent... events) {
        ledger.write(List.of(events));
    }

    List<Notification> tickAt(String at) {
        clock.set(at);
        return evaluator.tick();
    }

    @Override
    public void close() {
        channels.close();
        vertx.close();
        slack.close();
        hook.close();
        store.close();
    }
}
