package tally.metrics;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.http.Gzip;
import tally.ingest.IngestStats;
import tally.server.TallyServer;
import tally.store.Events;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.TestStores;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics} as Prometheus scrapes it, across a restart of the whole server. */
class MetricsEndpointTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir Path dir;
    private Vertx vertx;

    @AfterEach
    void close() {
        if (vertx != null) vertx.close();
    }

    /** A running server with only the metrics part, over the store at {@code config}. */
    private final class Running implements AutoCloseable {
        final Store store;
        final TallyServer server;

        Running(StoreConfig config, GatewayLatency latency, int maxPeople) {
            store = Store.open(config);
            if (vertx == null) vertx = Vertx.vertx();
            PrometheusExposition exposition = new PrometheusExposition(store, new Budgets(store, new Ledger(store)),
                    new PrometheusExposition.Sources(() -> new IngestStats(0, 0, 0, 0, 3, 7, 0, 0, null), () -> 4096L, latency, null),
                    CLOCK, ZoneOffset.UTC, maxPeople, Duration.ZERO);
            server = TallyServer.start(vertx, "127.0.0.1", 0, List.of(new MetricsRoutes(vertx, exposition)::mount));
        }

        Ledger ledger() {
            return new Ledger(store);
        }

        Map<String, String> scrape() throws Exception {
            HttpResponse<String> r = tally.gateway.Http.CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
            assertThat(r.headers().firstValue("content-encoding")).as("not asked for").isEmpty();
            return samples(r.body());
        }

        @Override
        public void close() {
            server.close();
            store.close();
        }
    }

    static Map<String, String> samples(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int sp = line.lastIndexOf(' ');
            out.put(line.substring(0, sp), line.substring(sp + 1));
        }
        return out;
    }

    private static final String ALICE_COST = "tally_cost_usd_total{person=\"alice\",model=\"claude-sonnet-4-5-20250929\",source=\"manual\"}";
    private static final String ALICE_OUTPUT = "tally_tokens_total{person=\"alice\",model=\"claude-sonnet-4-5-20250929\",source=\"manual\",class=\"output\"}";
    private static final String ALICE_OK = "tally_requests_total{person=\"alice\",model=\"claude-sonnet-4-5-20250929\",source=\"manual\",status=\"ok\"}";

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void countersCarryOnAcrossARestartBecauseTheyAreReadFromTheLedger(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        Map<String, String> before;
        try (Running first = new Running(config, new GatewayLatency(), 50)) {
            first.ledger().write(List.of(
                    Events.priced("a1", "2026-03-09T10:00:00Z", "alice", 1_250_000_000L),
                    Events.priced("a2", "2026-03-10T11:00:00Z", "alice", 250_000_000L),
                    Events.event("a3", "2026-03-10T11:05:00Z", "alice").status(500).cost(0L, "test").build()));
            before = first.scrape();
        }
        assertThat(before).containsEntry(ALICE_COST, "1.50").containsEntry(ALICE_OUTPUT, "30").containsEntry(ALICE_OK, "2")
                .containsEntry(ALICE_OK.replace("ok", "error"), "1");

        try (Running second = new Running(config, new GatewayLatency(), 50)) {
            Map<String, String> after = second.scrape();
            assertThat(after).as("a restarted server reports the same totals, not zero")
                    .containsEntry(ALICE_COST, "1.50").containsEntry(ALICE_OUTPUT, "30").containsEntry(ALICE_OK, "2");
            second.ledger().write(List.of(Events.priced("a4", "2026-03-10T11:30:00Z", "alice", 500_000_000L)));
            assertThat(second.scrape()).as("and keep counting from there")
                    .containsEntry(ALICE_COST, "2.00").containsEntry(ALICE_OUTPUT, "40").containsEntry(ALICE_OK, "3");
        }
    }

    @Test
    void aLargeScrapeGoesGzippedToAScraperThatAcceptsItAndReadsTheSame() throws Exception {
        try (Running r = new Running(StoreConfig.embedded(dir), new GatewayLatency(), 50)) {
            List<UsageEvent> many = new ArrayList<>();
            for (int i = 0; i < 40; i++) many.add(Events.priced("p" + i, "2026-03-10T10:00:00Z", "person" + i, 1_000_000_000L));
            r.ledger().write(many);
            HttpResponse<byte[]> zipped = tally.gateway.Http.send("GET", "http://127.0.0.1:" + r.server.port() + "/metrics",
                    Map.of("accept-encoding", "gzip"), null);
            assertThat(zipped.statusCode()).isEqualTo(200);
            assertThat(zipped.headers().firstValue("content-encoding")).hasValue("gzip");
            assertThat(zipped.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
            String text = new String(tally.gateway.Http.inflate(zipped.body()), StandardCharsets.UTF_8);
            assertThat(text.length()).isGreaterThan(Gzip.MIN_BYTES);
            Map<String, String> plain = r.scrape(); // asks without gzip, and gets none
            assertThat(samples(text)).containsAllEntriesOf(Map.of(ALICE_COST.replace("alice", "person7"), "1.00"))
                    .containsOnlyKeys(plain.keySet());
        }
    }

    @Test
    void peopleBeyondTheConfiguredNumberAreOtherSoSeriesStayBounded() throws Exception {
        try (Running r = new Running(StoreConfig.embedded(dir), new GatewayLatency(), 2)) {
            r.ledger().write(List.of(
                    Events.priced("1", "2026-03-10T10:00:00Z", "big", 9_000_000_000L),
                    Events.priced("2", "2026-03-10T10:00:00Z", "mid", 5_000_000_000L),
                    Events.priced("3", "2026-03-10T10:00:00Z", "small", 1_000_000_000L),
                    Events.priced("4", "2026-03-10T10:00:00Z", "tiny", 500_000_000L)));
            Map<String, String> s = r.scrape();
            assertThat(s.keySet()).filteredOn(k -> k.startsWith("tally_cost_usd_total"))
                    .extracting(k -> k.replaceAll(".*person=\"([^\"]*)\".*", "$1"))
                    .containsExactlyInAnyOrder("big", "mid", "other");
            assertThat(s).containsEntry(ALICE_COST.replace("alice", "other"), "1.50");
        }
    }

    @Test
    void anEachPersonDefaultIsOneSeriesPerPersonWhoSpentNotTheOrganizationsTotal() throws Exception {
        try (Running r = new Running(StoreConfig.embedded(dir), new GatewayLatency(), 50)) {
            new Budgets(r.store, r.ledger()).set(new Budget("each-person:daily", Budget.Scope.EACH_PERSON, null, Budget.Period.DAILY,
                    Budget.Unit.USD, 2_000_000_000L, true, 100));
            r.ledger().write(List.of(Events.priced("e1", "2026-03-10T10:00:00Z", "alice", 2_500_000_000L),
                    Events.priced("e2", "2026-03-10T10:05:00Z", "bob", 500_000_000L)));
            Map<String, String> s = r.scrape();
            String alice = "{budget=\"each-person:daily\",scope=\"each-person\",subject=\"alice\",period=\"daily\",hard=\"true\"}";
            String bob = alice.replace("alice", "bob");
            assertThat(s).containsEntry("tally_budget_spent_usd" + alice, "2.50").containsEntry("tally_budget_remaining_usd" + alice, "0.00")
                    .containsEntry("tally_budget_spent_usd" + bob, "0.50").containsEntry("tally_budget_remaining_usd" + bob, "1.50")
                    .containsEntry("tally_budget_limit_usd" + bob, "2.00");
            assertThat(s.keySet()).filteredOn(k -> k.startsWith("tally_budget_spent_usd")).hasSize(2);
        }
    }

    @Test
    void budgetsLatencyAndTheIngestPipelineAreGauges() throws Exception {
        GatewayLatency latency = new GatewayLatency();
        latency.observe("claude-sonnet-4-5", 200, 80_000_000L);
        latency.observe("claude-sonnet-4-5", 200, 3_000_000_000L);
        latency.observe("claude-sonnet-4-5", 402, 1_000_000L);
        latency.spoolWait(80_000L); // answers held for the spool's flush: 80 µs, 700 µs, 4 ms
        latency.spoolWait(700_000L);
        latency.spoolWait(4_000_000L);
        try (Running r = new Running(StoreConfig.embedded(dir), latency, 50)) {
            new Budgets(r.store, r.ledger()).set(new Budget("team-cap", Budget.Scope.ORG, null, Budget.Period.DAILY,
                    Budget.Unit.USD, 10_000_000_000L, true, 100));
            r.ledger().write(List.of(Events.event("g1", "2026-03-10T11:00:00Z", "alice").source(Source.GATEWAY)
                    .tokens(TokenCounts.of(10, 10)).cost(2_500_000_000L, "test").build()));
            Map<String, String> s = r.scrape();
            String b = "{budget=\"team-cap\",scope=\"org\",subject=\"\",period=\"daily\",hard=\"true\"}";
            assertThat(s).containsEntry("tally_budget_limit_usd" + b, "10.00")
                    .containsEntry("tally_budget_spent_usd" + b, "2.50")
                    .containsEntry("tally_budget_remaining_usd" + b, "7.50");
            String h = "tally_gateway_request_duration_seconds";
            assertThat(s).containsEntry(h + "_bucket{model=\"claude-sonnet-4-5\",status=\"2xx\",le=\"0.1\"}", "1")
                    .containsEntry(h + "_bucket{model=\"claude-sonnet-4-5\",status=\"2xx\",le=\"5\"}", "2")
                    .containsEntry(h + "_bucket{model=\"claude-sonnet-4-5\",status=\"2xx\",le=\"+Inf\"}", "2")
                    .containsEntry(h + "_count{model=\"claude-sonnet-4-5\",status=\"4xx\"}", "1")
                    .containsEntry(h + "_sum{model=\"claude-sonnet-4-5\",status=\"2xx\"}", "3.08");
            String w = "tally_gateway_spool_wait_seconds";
            assertThat(s).containsEntry(w + "_bucket{le=\"0.0001\"}", "1")
                    .containsEntry(w + "_bucket{le=\"0.0005\"}", "1")
                    .containsEntry(w + "_bucket{le=\"0.001\"}", "2")
                    .containsEntry(w + "_bucket{le=\"0.005\"}", "3")
                    .containsEntry(w + "_bucket{le=\"+Inf\"}", "3")
                    .containsEntry(w + "_sum", "0.00478")
                    .containsEntry(w + "_count", "3");
            assertThat(s).containsEntry("tally_ingest_queue_depth", "7").containsEntry("tally_ingest_backlog_records", "3")
                    .containsEntry("tally_ingest_spool_bytes", "4096").containsEntry("tally_store_up{store=\"duckdb\"}", "1");
        }
    }
}
