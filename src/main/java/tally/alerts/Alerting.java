package tally.alerts;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import tally.budget.Budgets;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.metrics.GatewayLatency;
import tally.metrics.PrometheusExposition;
import tally.store.ActivityLog;
import tally.store.Ledger;
import tally.store.Store;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Alerts and metrics as {@code tally serve} runs them: the evaluator and scheduled reports every
 * interval on their own thread, the routes {@code /api/alerts…}, and what {@code /metrics} shows.
 */
public final class Alerting implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Alerting.class.getName());

    private final Vertx vertx;
    private final AlertsConfig config;
    private final Channels channels;
    private final AlertStore alerts;
    private final RuleBook rules;
    private final Evaluator evaluator;
    private final ScheduledReports reports;
    private final PrometheusExposition metrics;
    private final Clock clock;
    private ScheduledExecutorService timer;
    /** Only the fleet's leader evaluates and sends; every replica keeps the timer so one can take over at once. */
    private volatile tally.store.Leadership leadership = tally.store.Leadership.single();

    public Alerting(Vertx vertx, AlertsConfig config, Store store, Ledger ledger, IngestWriter writer, ZoneId zone, Clock clock) {
        this(vertx, config, store, ledger, writer, zone, clock, new GatewayLatency(), tally.app.Reports.onLedger(ledger, clock));
    }

    /**
     * As above; {@code /metrics} shows the latency the gateway reports to {@code latency}, and the
     * scheduled reports come from {@code reports}, the process's report use case.
     */
    public Alerting(Vertx vertx, AlertsConfig config, Store store, Ledger ledger, IngestWriter writer, ZoneId zone, Clock clock,
                    GatewayLatency latency, tally.app.Reports reports) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
        this.channels = Channels.build(vertx, config.channels());
        this.alerts = new AlertStore(store);
        this.rules = new RuleBook(config, alerts);
        ActivityLog activity = new ActivityLog(store);
        Budgets budgets = new Budgets(store, ledger);
        this.evaluator = new Evaluator(rules, alerts, channels, now -> new Readings(store, ledger, activity, budgets, zone, now),
                clock, Duration.ofSeconds(30));
        this.reports = new ScheduledReports(config.reports(), reports, alerts, channels, clock, zone);
        for (ReportSchedule s : config.reports()) s.channels().forEach(channels::get); // unknown names fail at start
        for (AlertRule r : config.rules()) r.basics().channels().forEach(channels::get);
        Spool spool = new Spool(store.config().spoolDir());
        this.metrics = new PrometheusExposition(store, budgets, new PrometheusExposition.Sources(
                writer == null ? null : writer::stats, spool::bytes, latency, evaluator::firing),
                clock, zone, config.metricsPeople(), config.metricsCache());
    }

    /** The server part: {@code /api/alerts…}. */
    public void mount(Router router) {
        new AlertRoutes(vertx, rules, channels, alerts, clock).mount(router);
    }

    /** What {@code /metrics} shows; the server mounts it. */
    public PrometheusExposition metrics() {
        return metrics;
    }

    /** Starts evaluating on whichever replica leads (state and sent reports live in the store, so a new leader carries on). */
    public Alerting start(tally.store.Leadership leadership) {
        this.leadership = leadership;
        return start();
    }

    public Alerting start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-alerts");
            t.setDaemon(true);
            return t;
        });
        long every = config.interval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, Math.min(every, 5_000), every, TimeUnit.MILLISECONDS);
        return this;
    }

    void tick() {
        if (!leadership.leading()) return;
        try {
            evaluator.tick();
            reports.tick();
        } catch (RuntimeException e) {
            LOG.warning("alerts: evaluation failed: " + e.getMessage());
        }
    }

    public Evaluator evaluator() {
        return evaluator;
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
        channels.close();
    }

    /** For {@code tally serve}: the config from a file flag or $TALLY_ALERTS. */
    public static AlertsConfig config(Path file) {
        return AlertsConfig.load(file);
    }
}
