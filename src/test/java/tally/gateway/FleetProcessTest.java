package tally.gateway;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tally.cli.Main;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.TestStores;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code tally serve} replicas on one PostgreSQL behind a round-robin client: hard budgets and
 * rate limits hold for the fleet, the budget holds of a replica killed with -9 expire, every answered
 * request is recorded once, and alerts fire once while leadership moves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetProcessTest {
    private static final String HAIKU = "claude-haiku-4-5-20251001";
    private static final long DOLLAR = 1_000_000_000L;

    private Path dir;
    private Vertx vertx;
    private FakeAnthropic upstream;
    private HttpServer hook;
    private final List<String> notifications = new CopyOnWriteArrayList<>();
    private String db;
    private List<Replica> fleet;
    private String budgetKey, rpmKey, alertsKey, killKey;

    @BeforeAll
    void startFleet(@TempDir Path tmp) throws Exception {
        dir = tmp;
        vertx = Vertx.vertx();
        upstream = new FakeAnthropic(vertx);
        // Each answer costs $0.15 on Haiku (150,000 input tokens at $1/MTok): a $1 budget takes about 7.
        upstream.usage = s -> new FakeAnthropic.Usage(150_000, 0, 0, 7, 0);
        upstream.eventDelayMs = 20;
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", ex -> {
            notifications.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hook.start();
        db = TestStores.freshSchemaUrl();
        budgetKey = tally("keys", "create", "--user", "ann", "--team", "budget").trim();
        rpmKey = tally("keys", "create", "--user", "bob", "--team", "rpm", "--rpm", "20").trim();
        alertsKey = tally("keys", "create", "--user", "cy", "--team", "alerts").trim();
        killKey = tally("keys", "create", "--user", "dee", "--team", "kill").trim();
        tally("budgets", "set", "--person", "ann", "--daily", "1");
        tally("budgets", "set", "--person", "dee", "--daily", "1000");
        Path alerts = dir.resolve("alerts.json");
        Files.writeString(alerts, "{\"defaults\":false,\"interval\":\"1s\",\"channels\":{\"hook\":{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:"
                + hook.getAddress().getPort() + "/hook\"}},\"rules\":[{\"name\":\"busy\",\"kind\":\"threshold\",\"metric\":\"requests\","
                + "\"period\":\"day\",\"team\":\"alerts\",\"above\":2,\"cooldown\":\"0s\",\"channels\":[\"hook\"]}]}");
        fleet = Replica.fleet(3, dir, db, upstream.url(), "--fleet-hold-ttl", "8s", "--alerts", alerts.toString());
    }

    @AfterAll
    void stopFleet() throws Exception {
        if (fleet != null) for (Replica r : fleet) r.close();
        if (hook != null) hook.stop(0);
        if (upstream != null) upstream.close();
        if (vertx != null) vertx.close();
    }

    @Test
    @Order(1)
    void sixty_concurrent_requests_against_a_hard_budget_split_across_replicas_overshoot_it_by_at_most_one_request() throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Replica to = fleet.get(i % 3);
            Thread t = new Thread(() -> statuses.computeIfAbsent(send(to, budgetKey, true), k -> new AtomicInteger()).incrementAndGet());
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) t.join(25_000);
        int answered = statuses.getOrDefault(200, new AtomicInteger()).get();
        assertThat(statuses.keySet()).as("answered or refused for the budget: %s", statuses).containsOnly(200, 402);
        assertThat(answered).as("requests the $1 budget let through").isBetween(5, 8);

        long[] spend = awaitSpend("budget", answered);
        assertThat(spend[0]).as("spent by the fleet, nano-dollars").isLessThanOrEqualTo(DOLLAR + spend[1]);
    }

    @Test
    @Order(2)
    void a_key_limited_to_20_requests_a_minute_gets_20_from_the_whole_fleet() throws Exception {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 9; c++) {
            int first = c;
            Thread t = new Thread(() -> {
                for (int i = first; i < 45; i += 9) {
                    int status = send(fleet.get(i % 3), rpmKey, false);
                    (status == 200 ? ok : limited).incrementAndGet();
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) t.join(25_000);
        // The bucket starts full (20) and refills one request every 3 s while the test runs.
        assertThat(ok.get()).as("answered of 45 over the fleet").isBetween(20, 22);
        assertThat(limited.get()).isEqualTo(45 - ok.get());
    }

    @Test
    @Order(3)
    void an_alert_fires_once_while_leadership_moves_to_another_replica() throws Exception {
        assertThat(roles()).as("one leader at a time").containsExactlyInAnyOrder("leader", "follower", "follower");
        for (int i = 0; i < 3; i++) assertThat(send(fleet.get(i), alertsKey, false)).isEqualTo(200);
        awaitTrue(() -> notifications.size() >= 1, 10_000, "the alert fired");

        int leader = roles().indexOf("leader");
        fleet.get(leader).kill();
        awaitTrue(() -> {
            List<String> now = new ArrayList<>();
            for (int i = 0; i < 3; i++) if (i != leader) now.add(role(fleet.get(i)));
            return now.contains("leader");
        }, 6_000, "another replica leads within seconds");
        Thread.sleep(3_000); // three evaluations on the new leader
        assertThat(notifications).as("notifications for the one firing").hasSize(1);
        fleet.get(leader).restart();
        assertThat(roles()).containsExactlyInAnyOrder("leader", "follower", "follower");
    }

    @Test
    @Order(4)
    void kill_9_mid_load_its_budget_holds_expire_and_every_answered_request_is_recorded_once() throws Exception {
        upstream.eventDelayMs = 100; // answers take a while: the victim dies holding reservations
        Set<String> answered = ConcurrentHashMap.newKeySet();
        Replica victim = fleet.get(1);
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 12; c++) {
            int first = c;
            Thread t = new Thread(() -> {
                for (int i = first; System.nanoTime() < stopAt; i++) {
                    String id = sendForId(fleet.get(i % 3), killKey);
                    if (id != null) answered.add(id);
                }
            });
            t.start();
            clients.add(t);
        }
        Thread.sleep(2_500);
        victim.kill();
        for (Thread t : clients) t.join(25_000);
        upstream.eventDelayMs = 20;

        // The others settled everything; what is still held is the dead replica's, until its holds expire (8 s).
        assertThat(held()).as("held by the dead replica").isPositive();
        awaitTrue(() -> held() == 0, 13_000, "the dead replica's holds expired and were given back");
        // Its budget is usable by the others: nothing is stuck.
        assertThat(send(fleet.get(0), killKey, false)).isEqualTo(200);

        victim.restart(); // the rolling restart's step: its spool is replayed
        Map<String, Integer> counts = new HashMap<>();
        awaitTrue(() -> {
            counts.clear();
            counts.putAll(countsByRequestId());
            return counts.keySet().containsAll(answered);
        }, 15_000, "every answered request is in the ledger");
        assertThat(answered).hasSizeGreaterThan(20);
        assertThat(counts.entrySet().stream().filter(e -> e.getValue() > 1).toList()).as("recorded twice").isEmpty();
    }

    @Test
    @Order(5)
    void a_rolling_restart_of_every_replica_under_load_loses_no_answered_request() throws Exception {
        upstream.eventDelayMs = 50; // answers in flight when each replica gets SIGTERM
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicInteger cut = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 9; c++) {
            int first = c;
            Thread t = new Thread(() -> {
                for (int i = first; !done.get(); i++) { // a load balancer's round robin, skipping a replica that refuses
                    Replica to = fleet.get(i % 3);
                    try {
                        HttpResponse<InputStream> r = Http.open(to.base + "/v1/messages", Http.withKey(killKey), Http.messageBody(HAIKU, 10, true));
                        String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                        if (r.statusCode() != 200) continue;
                        if (body.contains("event: message_stop")) answered.add(r.headers().firstValue("request-id").orElseThrow());
                        else cut.incrementAndGet();
                    } catch (RuntimeException | java.io.IOException e) {
                        // not answered: the replica was stopping or not yet listening
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        for (Replica r : fleet) {
            Thread.sleep(700);
            r.close(); // SIGTERM: refuses new requests, finishes those in flight, stores every record
            r.restart();
        }
        Thread.sleep(700);
        done.set(true);
        for (Thread t : clients) t.join(25_000);
        upstream.eventDelayMs = 20;

        assertThat(cut.get()).as("answers cut off by a replica stopping").isZero();
        Map<String, Integer> counts = new HashMap<>();
        awaitTrue(() -> {
            counts.clear();
            counts.putAll(countsByRequestId());
            return counts.keySet().containsAll(answered);
        }, 15_000, "every answered request is in the ledger");
        assertThat(answered).hasSizeGreaterThan(20);
        assertThat(counts.entrySet().stream().filter(e -> e.getValue() > 1).toList()).as("recorded twice").isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static int send(Replica to, String key, boolean stream) {
        try {
            HttpResponse<InputStream> r = Http.open(to.base + "/v1/messages", Http.withKey(key), Http.messageBody(HAIKU, 10, stream));
            r.body().readAllBytes();
            return r.statusCode();
        } catch (RuntimeException | java.io.IOException e) {
            return -1;
        }
    }

    /** The request id of a complete streamed answer, else null. */
    private static String sendForId(Replica to, String key) {
        try {
            HttpResponse<InputStream> r = Http.open(to.base + "/v1/messages", Http.withKey(key), Http.messageBody(HAIKU, 10, true));
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            return r.statusCode() == 200 && body.contains("event: message_stop") ? r.headers().firstValue("request-id").orElse(null) : null;
        } catch (RuntimeException | java.io.IOException e) {
            return null;
        }
    }

    private List<String> roles() {
        List<String> out = new ArrayList<>();
        for (Replica r : fleet) out.add(role(r));
        return out;
    }

    private static String role(Replica r) {
        try {
            String body = new String(Http.send("GET", r.base + "/readyz", Map.of(), null).body(), StandardCharsets.UTF_8);
            return FakeAnthropic.JSON.readTree(body).path("role").asText();
        } catch (RuntimeException | java.io.IOException e) {
            return "down";
        }
    }

    /** {total cost, the dearest single request} of a team's answered requests, once the ledger holds all of them. */
    private long[] awaitSpend(String team, int answered) throws Exception {
        long[] out = new long[2];
        awaitTrue(() -> {
            List<long[]> rows = sql("SELECT COALESCE(SUM(cost_nanos), 0), COALESCE(MAX(cost_nanos), 0), COUNT(*) FROM usage_events"
                    + " WHERE team = '" + team + "' AND status = 200", rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
            out[0] = rows.get(0)[0];
            out[1] = rows.get(0)[1];
            return rows.get(0)[2] >= answered;
        }, 10_000, "the ledger holds every answered request");
        return out;
    }

    /** What requests in flight hold on dee's budget, fleet-wide. */
    private long held() {
        return sql("SELECT COALESCE(SUM(held), 0) FROM budget_counters WHERE budget LIKE 'person:dee%'", rs -> rs.getLong(1)).get(0);
    }

    private Map<String, Integer> countsByRequestId() {
        Map<String, Integer> out = new HashMap<>();
        for (Object[] row : sql("SELECT request_id, COUNT(*) FROM usage_events WHERE team = 'kill' AND request_id IS NOT NULL"
                + " GROUP BY request_id", rs -> new Object[] {rs.getString(1), rs.getInt(2)})) {
            out.put((String) row[0], (Integer) row[1]);
        }
        return out;
    }

    private interface Row<T> {
        T map(ResultSet rs) throws Exception;
    }

    private <T> List<T> sql(String query, Row<T> row) {
        try (Store store = Store.open(StoreConfig.postgres(dir, db)); Connection c = store.connection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<T> out = new ArrayList<>();
            while (rs.next()) out.add(row.map(rs));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check c, long ms, String what) throws Exception {
        long until = System.currentTimeMillis() + ms;
        while (!c.ok()) {
            assertThat(System.currentTimeMillis()).as("timed out: " + what).isLessThan(until);
            Thread.sleep(100);
        }
    }

    private String tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--db", db, "--data", dir.resolve("cli").toString()));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }
}
