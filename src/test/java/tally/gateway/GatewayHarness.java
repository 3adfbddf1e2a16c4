package tally.gateway;

import tally.budget.Budget;
import tally.budget.Budgets;

import io.vertx.core.Vertx;
import tally.core.TokenCounts;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.server.TallyServer;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TestStores;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A gateway on a loopback port in front of a {@link FakeAnthropic}, over a real store and writer:
 * everything {@code tally serve} runs, without the process around it.
 */
final class GatewayHarness implements AutoCloseable {
    static final String UPSTREAM_KEY = "sk-ant-server-key-never-shown";
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    /** One stored record, as the ledger holds it. */
    record Rec(String id, String identity, String team, String sessionId, String requestId, String model,
               TokenCounts tokens, long webSearches, Long costNanos, int status, boolean batch, Long latencyMs) {}

    final Vertx vertx = Vertx.vertx();
    final FakeAnthropic upstream;
    final Store store;
    final Ledger ledger;
    final IngestWriter writer;
    final PriceCatalog catalog = PriceCatalog.bundled();
    /** The gateway's in-memory metrics, as {@code /metrics} reads them. */
    final tally.metrics.GatewayLatency latency = new tally.metrics.GatewayLatency();
    final Gateway gateway;
    final TallyServer server;
    final VirtualKeys keys;
    final Budgets budgets;

    GatewayHarness(TestStores.Kind kind, Path dir) {
        this(kind, dir, c -> c);
    }

    GatewayHarness(TestStores.Kind kind, Path dir, UnaryOperator<GatewayConfig> tweak) {
        this(kind, dir, tweak, (v, g) -> List.of());
    }

    /** With more routes beside the gateway's (the Bedrock and Vertex ones), built once the gateway is. */
    GatewayHarness(TestStores.Kind kind, Path dir, UnaryOperator<GatewayConfig> tweak,
                   java.util.function.BiFunction<Vertx, Gateway, List<java.util.function.Consumer<io.vertx.ext.web.Router>>> more) {
        upstream = new FakeAnthropic(vertx);
        store = Store.open(TestStores.config(kind, dir));
        ledger = new Ledger(store);
        writer = new IngestWriter(ledger, new Spool(dir.resolve("spool")), catalog::price,
                new IngestWriter.Options(1_000, Duration.ofMillis(20), 10_000));
        GatewayConfig config = tweak.apply(GatewayConfig.defaults(URI.create(upstream.url()), UPSTREAM_KEY, ZONE)
                .withUpstreamTimeout(Duration.ofSeconds(5)).withRefreshEvery(Duration.ofHours(1)));
        keys = new VirtualKeys(store, Clock.systemUTC());
        budgets = new Budgets(store, ledger);
        gateway = new Gateway(vertx, config, store, ledger, writer, catalog, Clock.systemUTC(), latency).start();
        List<java.util.function.Consumer<io.vertx.ext.web.Router>> parts = new ArrayList<>();
        parts.add(gateway::mount);
        parts.addAll(more.apply(vertx, gateway));
        server = TallyServer.start(vertx, "127.0.0.1", 0, parts);
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Issues a managed key and makes the gateway see it at once. */
    String key(String person, UnaryOperator<KeySpec> spec) {
        KeySpec s = spec.apply(new KeySpec(null, null, null, null, null, null));
        String secret = keys.create(person, s.team, s.models, s.maxTokens, s.downgrade, s.rpm, s.tpm, null).secret();
        gateway.reload();
        return secret;
    }

    String key(String person) {
        return key(person, s -> s);
    }

    record KeySpec(String team, List<String> models, Long maxTokens, String downgrade, Long rpm, Long tpm) {
        KeySpec team(String v) { return new KeySpec(v, models, maxTokens, downgrade, rpm, tpm); }
        KeySpec models(String... v) { return new KeySpec(team, List.of(v), maxTokens, downgrade, rpm, tpm); }
        KeySpec maxTokens(long v) { return new KeySpec(team, models, v, downgrade, rpm, tpm); }
        KeySpec downgrade(String v) { return new KeySpec(team, models, maxTokens, v, rpm, tpm); }
        KeySpec rpm(long v) { return new KeySpec(team, models, maxTokens, downgrade, v, tpm); }
        KeySpec tpm(long v) { return new KeySpec(team, models, maxTokens, downgrade, rpm, v); }
    }

    void budget(Budget b) {
        budgets.set(b);
        gateway.reload();
    }

    /** Every stored record, after whatever was queued is in the store. */
    List<Rec> records() {
        if (!writer.flush(Duration.ofSeconds(10))) throw new IllegalStateException("writer did not flush");
        List<Rec> out = new ArrayList<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, identity, team, session_id, request_id, model, input_tokens, cache_write_5m_tokens,"
                        + " cache_write_1h_tokens, cache_read_tokens, output_tokens, web_searches, cost_nanos, status, is_batch,"
                        + " latency_ms FROM usage_events ORDER BY ts_ms, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Long cost = rs.getLong(13);
                if (rs.wasNull()) cost = null;
                Long latency = rs.getLong(16);
                if (rs.wasNull()) latency = null;
                out.add(new Rec(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), new TokenCounts(rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11)),
                        rs.getLong(12), cost, rs.getInt(14), rs.getBoolean(15), latency));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Waits until {@code n} records are stored (a record is written when its exchange ends, which may trail the client). */
    List<Rec> awaitRecords(int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Rec> r = records();
        while (r.size() < n && System.nanoTime() < deadline) {
            sleep(20);
            r = records();
        }
        return r;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.close();
        gateway.close();
        upstream.close();
        writer.close();
        store.close();
        FakeAnthropic.await(vertx.close());
    }
}
