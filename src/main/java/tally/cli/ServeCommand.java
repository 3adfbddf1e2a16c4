package tally.cli;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.gateway.Gateway;
import tally.gateway.GatewayConfig;
import tally.core.Secrets;
import tally.server.ServerFile;
import tally.server.TallyServer;
import tally.otlp.OtlpRoutes;
import tally.otlp.TelemetryCollector;
import tally.store.ActivityLog;
import tally.ingest.Spool;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.logging.Logger;

@Command(name = "serve", description = {
        "Run the server: the Anthropic-compatible gateway (and every other server part) on one port.",
        "The upstream key for Tally-issued keys comes from $TALLY_UPSTREAM_KEY (or $ANTHROPIC_API_KEY).",
        "SIGTERM lets requests in flight finish and stores every record before exit."})
final class ServeCommand implements Runnable {
    private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());

    @Spec CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--port", defaultValue = "4318", description = "Port (default 4318; 0 picks a free one).")
    int port;

    @Option(names = "--upstream", paramLabel = "URL", description = "Anthropic API base URL (default $TALLY_UPSTREAM or https://api.anthropic.com).")
    String upstream;

    @Option(names = "--pass-through", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Accept developers' own Anthropic keys, attributed by fingerprint (default on; --no-pass-through for Tally keys only).")
    boolean passThrough;

    @Option(names = "--trust-header", paramLabel = "NAME", description = "Trust this request header as the developer's identity (e.g. X-Dev-Id). Off unless given.")
    String trustHeader;

    @Option(names = "--trust-team-header", paramLabel = "NAME", description = "With --trust-header: trust this header as the team (e.g. X-Team).")
    String trustTeamHeader;

    @Option(names = "--person-rpm", paramLabel = "N", description = "Requests per minute per person.")
    Long personRpm;

    @Option(names = "--person-tpm", paramLabel = "N", description = "Tokens per minute per person.")
    Long personTpm;

    @Option(names = "--upstream-timeout", defaultValue = "600s", paramLabel = "DURATION",
            description = "Longest upstream silence before a request is abandoned (default 600s).")
    String upstreamTimeout;

    @Option(names = "--otel-identity-attribute", defaultValue = "developer.id", paramLabel = "NAME",
            description = "Telemetry attribute naming the developer when no ingest token does (default developer.id; "
                    + "then user.email, user.account_uuid, user.id).")
    String otelIdentityAttribute;

    @Option(names = "--otel-team-attribute", defaultValue = "team.id", paramLabel = "NAME",
            description = "Telemetry attribute naming the team (default team.id).")
    String otelTeamAttribute;

    @Option(names = "--otel-project-attribute", defaultValue = "project", paramLabel = "NAME",
            description = "Telemetry attribute naming the project (default project; set it with "
                    + "OTEL_RESOURCE_ATTRIBUTES=project=NAME).")
    String otelProjectAttribute;

    @Option(names = "--alerts", paramLabel = "FILE",
            description = "Alert rules, channels, scheduled reports and /metrics settings, JSON (default $TALLY_ALERTS).")
    java.nio.file.Path alertsFile;

    @Option(names = "--drain-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "On SIGTERM, how long requests in flight may take to finish (default 60s).")
    String drainTimeout;

    @Option(names = "--spool-sync", defaultValue = "always", paramLabel = "always|periodic",
            description = "When a record counts as kept before its answer ends: always = forced to disk (survives a power loss; "
                    + "adds the disk's flush time to answers); periodic = written to the spool file and forced every 100 ms "
                    + "(survives kill -9 and restarts; a power loss may cost the last 100 ms of records). Default always.")
    String spoolSync;

    @Option(names = "--retention", paramLabel = "DURATION",
            description = "Prune raw records older than this (e.g. 400d; from 1d to 3660d) at start and daily; reports keep their daily rollups. Off unless given.")
    String retention;

    @Option(names = "--metrics-token", paramLabel = "TOKEN",
            description = "Beyond loopback, /metrics needs this bearer token or a login (default $TALLY_METRICS_TOKEN).")
    String metricsToken;

    @Option(names = "--otlp-require-token", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Refuse OTLP exports without an ingest token (default: on beyond loopback, off on it).")
    Boolean otlpRequireToken;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate (chain); needs --tls-key.")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM private key for --tls-cert.")
    java.nio.file.Path tlsKey;

    @Option(names = "--fleet-hold-ttl", defaultValue = "15s", paramLabel = "DURATION",
            description = "With --db postgresql://…: how long the budget holds of a replica that stopped renewing them (it died) "
                    + "still count (default 15s).")
    String fleetHoldTtl;

    // ---- Bedrock and Vertex through the gateway (/bedrock, /vertex/v1)
    @picocli.CommandLine.Mixin CloudServeOptions cloud;

    // ---- Bedrock logs pulled on a schedule; metrics published to CloudWatch
    @picocli.CommandLine.Mixin AwsServeOptions aws;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        PrintWriter out = spec.commandLine().getOut();
        GatewayConfig config = config(g);
        Duration drain = Durations.parse("--drain-timeout", drainTimeout);
        Duration holdTtl = Durations.parse("--fleet-hold-ttl", fleetHoldTtl);
        if (retention != null) tally.app.Pruning.window("--retention", retention); // refused before anything opens
        Spool.Sync sync = spoolSync(spoolSync);
        TallyServer.Tls tls = tls();
        Running running = new Running(g, Session.open(g), TallyServer.newVertx());
        try {
            running.start(config, tls, holdTtl, sync);
        } catch (RuntimeException | IOException e) {
            running.close();
            throw new UserError("cannot start the server: " + e.getMessage(), e);
        }
        out.printf("tally: serving on %s://%s:%d (upstream %s)%n", tls == null ? "http" : "https", host,
                running.server.port(), config.upstream());
        out.flush();
        awaitShutdown(running, drain);
    }

    static Spool.Sync spoolSync(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "always" -> Spool.Sync.ALWAYS;
            case "periodic" -> Spool.Sync.PERIODIC;
            default -> throw new UserError("--spool-sync: '" + value + "' is neither always nor periodic");
        };
    }

    /** SIGTERM: finish what is in flight, then store every record before the process exits. */
    private static void awaitShutdown(Running running, Duration drain) {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            boolean clean = running.server.drain(drain);
            if (!clean) LOG.warning("serve: " + running.server.inFlight() + " requests still open after " + drain + "; closing");
            running.close();
            stopped.countDown();
        }, "tally-serve-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The parts of one running server, built in order and closed in reverse. */
    private final class Running {
        final GlobalOptions g;
        final Session session;
        final Vertx vertx;
        Gateway gateway;
        TelemetryCollector collector;
        tally.alerts.Alerting alerting;
        volatile AwsServeOptions.Jobs awsJobs;
        TallyServer server;
        ServerFile file;
        tally.app.RetentionJob retentionJob;
        tally.app.TopDaysJob topDaysJob;
        /** Which replica of a fleet runs the once-per-fleet work; parts that must run once gate on it. */
        tally.store.Leadership leadership;

        Running(GlobalOptions g, Session session, Vertx vertx) {
            this.g = g;
            this.session = session;
            this.vertx = vertx;
        }

        void start(GatewayConfig config, TallyServer.Tls tls, Duration holdTtl, Spool.Sync sync) throws IOException {
            aws.validate(); // refused before anything listens, whichever replica will lead
            session.writer(sync); // started here, so every part below shares this spool
            session.ledger.keepLocalDays(g.zone()); // the dashboard's days split by person, summed as they come
            // Built once for the process: the gateway reports latency to the same instance /metrics reads.
            tally.metrics.GatewayLatency latency = new tally.metrics.GatewayLatency();
            // On PostgreSQL, replicas may run side by side: they share budgets and limits and take turns leading.
            boolean fleet = session.store.isPostgres();
            leadership = fleet ? new tally.store.AdvisoryLeadership(session.store, Duration.ofSeconds(1)) : tally.store.Leadership.single();
            gateway = new Gateway(vertx, config, session.store, session.ledger, session.writer(), session.catalog(),
                    session.clock, latency);
            if (fleet) gateway.shareWithFleet(session.store, holdTtl);
            gateway.start();
            collector = new TelemetryCollector(session.writer(), session.ledger, new ActivityLog(session.store),
                    otelIdentityAttribute, otelTeamAttribute, otelProjectAttribute);
            keepTokensFresh(config.refreshEvery());
            alerting = new tally.alerts.Alerting(vertx, tally.alerts.Alerting.config(alertsFile), session.store,
                    session.ledger, session.writer(), g.zone(), session.clock, latency, session.app().reports());
            String token = Secrets.randomToken(32);
            server = TallyServer.start(vertx, host, port, tls, parts(token, config));
            alerting.start(leadership);
            if (!fleet) topDaysJob = new tally.app.TopDaysJob(session.ledger::keepTopDays, session.clock).start();
            if (retention != null) { // idempotent, but once per fleet is enough
                retentionJob = new tally.app.RetentionJob(session.app().pruning(), tally.app.Pruning.window("--retention", retention),
                        leadership::leading).start();
            }
            // log polling and CloudWatch publishing: on the leader only, handed over when leadership moves
            leadership.whileLeading(() -> awsJobs = aws.start(session), () -> {
                AwsServeOptions.Jobs jobs = awsJobs;
                awsJobs = null;
                if (jobs != null) jobs.close();
            });
            if (g.dbUrl() == null) { // DuckDB admits one process: other commands find this server by its file
                file = tls == null ? new ServerFile(ProcessHandle.current().pid(), host, server.port(), token)
                        : new ServerFile(ProcessHandle.current().pid(), host, server.port(), token, "https",
                                ServerFile.fingerprint(tls.cert()));
                if (g.pricesFile() != null) file = file.pricedWith(ServerFile.sha256(g.pricesFile()));
                file.write(g.dataDir());
            }
        }

        /** Every route on the one port. */
        private List<Consumer<Router>> parts(String token, GatewayConfig config) {
            List<Consumer<Router>> parts = new ArrayList<>();
            parts.add(new OtlpRoutes(vertx, collector, otlpRequiresToken())::mount); // /v1/metrics, /v1/logs: the same URL serves both
            parts.add(new tally.server.Health(vertx, session.store, session.store.config().spoolDir()).withRole(leadership::role)::mount);
            parts.add(gateway::mount);
            parts.addAll(cloud.routes(vertx, gateway, session.catalog(), config.upstreamTimeout())); // /bedrock, /vertex
            parts.add(new tally.metrics.MetricsRoutes(vertx, alerting.metrics())::mount);
            parts.add(alerting::mount); // /api/alerts…
            // The use cases, for the CLI beside this server (as the local admin, by the token in the server file).
            parts.add(tally.web.WebApp.forServer(vertx, session.store, session.ledger, g.zone(), session.clock, host, g.dataDir(),
                    metricsToken != null ? metricsToken : env("TALLY_METRICS_TOKEN"), session.app(), token,
                    () -> {
                        gateway.reload();
                        collector.reloadTokens(); // a token revoked through this server is refused at once
                    }));
            return parts;
        }

        /** Ingest tokens revoked by another process on the same PostgreSQL are refused from the next refresh on. */
        private void keepTokensFresh(Duration every) {
            vertx.setPeriodic(every.toMillis(), every.toMillis(), id -> vertx.executeBlocking(() -> {
                collector.reloadTokens();
                return null;
            }, false).onFailure(t -> LOG.warning("telemetry: cannot re-read ingest tokens: " + t.getMessage())));
        }

        void close() {
            if (server != null) server.close();
            if (retentionJob != null) retentionJob.close();
            if (topDaysJob != null) topDaysJob.close();
            if (alerting != null) alerting.close();
            if (leadership != null) leadership.close(); // stops the leader's jobs; another replica leads within a second
            if (gateway != null) gateway.close();
            if (collector != null) collector.close();
            if (file != null) file.remove(g.dataDir());
            session.close(); // flushes the writer, closes the store
            vertx.close();
        }
    }

    private GatewayConfig config(GlobalOptions g) {
        String url = upstream != null ? upstream : env("TALLY_UPSTREAM");
        URI base;
        try {
            base = url == null ? GatewayConfig.ANTHROPIC : URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UserError("--upstream: not a URL: " + url);
        }
        if (base.getHost() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new UserError("--upstream: expected http(s)://host[:port], got '" + url + "'");
        }
        String key = env("TALLY_UPSTREAM_KEY");
        if (key == null) key = env("ANTHROPIC_API_KEY");
        if (personRpm != null && personRpm <= 0 || personTpm != null && personTpm <= 0) {
            throw new UserError("--person-rpm and --person-tpm must be more than zero");
        }
        return GatewayConfig.defaults(base, key, g.zone())
                .withPassThrough(passThrough)
                .withTrustedHeaders(trustHeader, trustTeamHeader)
                .withPersonLimits(personRpm, personTpm)
                .withUpstreamTimeout(Durations.parse("--upstream-timeout", upstreamTimeout));
    }

    /** As asked, else on exactly when the server is reachable beyond loopback. */
    boolean otlpRequiresToken() {
        return otlpRequireToken != null ? otlpRequireToken : !tally.web.WebApp.loopback(host);
    }

    private TallyServer.Tls tls() {
        if (tlsCert == null && tlsKey == null) return null;
        if (tlsCert == null || tlsKey == null) throw new UserError("--tls-cert and --tls-key go together");
        for (java.nio.file.Path p : new java.nio.file.Path[] {tlsCert, tlsKey}) {
            if (!java.nio.file.Files.isReadable(p)) throw new UserError("cannot read " + p + " (--tls-cert/--tls-key)");
        }
        return new TallyServer.Tls(tlsCert, tlsKey);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
