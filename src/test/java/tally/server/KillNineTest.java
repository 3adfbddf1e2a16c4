package tally.server;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tally.TestJvm;
import tally.cli.Main;
import tally.gateway.FakeAnthropic;
import tally.gateway.Http;
import tally.store.Store;
import tally.store.StoreConfig;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of {@code tally serve} under load loses no answered request: every response a
 * client received completely (streaming or not) is in the ledger after a restart, exactly once.
 */
class KillNineTest {
    private static final int CLIENTS = 16;
    /** Answers received before the kill is armed: the JVMs are warm and every client is in a loop. */
    private static final int WARM = 60;

    @TempDir Path dir;

    /** {@code periodic}: answered once the record is written to the spool file, not yet forced; the kernel keeps it. */
    @ParameterizedTest(name = "--spool-sync {0}")
    @ValueSource(strings = {"always", "periodic"})
    void every_response_a_client_received_completely_is_in_the_ledger_exactly_once_after_kill_9(String spoolSync) throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeAnthropic upstream = new FakeAnthropic(vertx);
        upstream.eventDelayMs = 1; // streams arrive as several chunks
        Set<String> completed = ConcurrentHashMap.newKeySet();
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger broken = new AtomicInteger();
        try {
            Process server = serve(upstream.url(), spoolSync);
            String base = TestJvm.servingUrl(server);
            String secret = tally("keys", "create", "--user", "ann").trim();
            assertThat(secret).startsWith("sk-tally-");

            // 16 clients under load; once it is warm, the first client to receive a complete answer
            // kills the server at that very moment: the worst time for a record still in memory.
            List<Thread> clients = new ArrayList<>();
            long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; i < CLIENTS; i++) {
                boolean streamFirst = i % 2 == 0;
                Thread t = new Thread(() -> drive(base, secret, streamFirst, stopAt, server, completed, broken, armed));
                t.start();
                clients.add(t);
            }
            long warmBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (completed.size() < WARM && System.nanoTime() < warmBy) Thread.sleep(20);
            armed.set(true);
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("killed by a client").isTrue();
            for (Thread t : clients) t.join(25_000);
            assertThat(completed).as("requests answered before the kill").hasSizeGreaterThan(WARM);
            assertThat(broken.get()).as("requests cut off by the kill").isPositive();

            // Restart on the same data: the spool is replayed; then stop cleanly so the store is ours.
            Process again = serve(upstream.url(), spoolSync);
            TestJvm.servingUrl(again);
            again.destroy();
            assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            upstream.close();
            vertx.close();
        }

        Map<String, Integer> ledger = countsByRequestId();
        List<String> missing = completed.stream().filter(id -> !ledger.containsKey(id)).sorted().toList();
        assertThat(missing).as("answered (of " + completed.size() + ") but not in the ledger").isEmpty();
        assertThat(ledger.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("counted twice").isEmpty();
    }

    /**
     * One client: requests back to back, alternating streaming and not, until the server is gone.
     * Once armed, the first complete answer is followed at once by SIGKILL to the server's JVM.
     */
    private static void drive(String base, String secret, boolean streamFirst, long stopAt, Process server,
                              Set<String> completed, AtomicInteger broken, AtomicBoolean armed) {
        boolean stream = streamFirst;
        while (server.isAlive() && System.nanoTime() < stopAt) {
            try {
                HttpResponse<InputStream> r = Http.open(base + "/v1/messages", Http.withKey(secret),
                        Http.messageBody("claude-haiku-4-5-20251001", 10, stream));
                String id = r.headers().firstValue("request-id").orElse(null);
                String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                boolean whole = stream ? body.contains("event: message_stop") : body.endsWith("}") && body.contains("\"usage\"");
                if (r.statusCode() == 200 && id != null && whole) {
                    completed.add(id);
                    if (armed.getAndSet(false)) server.destroyForcibly(); // the JVM itself: it was started as java
                } else {
                    broken.incrementAndGet();
                }
            } catch (RuntimeException | java.io.IOException e) {
                broken.incrementAndGet();
            }
            stream = !stream;
        }
    }

    private Process serve(String upstreamUrl, String spoolSync) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(TestJvm.command(dir, List.of(), Main.class,
                "serve", "--port", "0", "--data", dir.toString(), "--upstream", upstreamUrl, "--tz", "UTC", "--spool-sync", spoolSync))
                .redirectErrorStream(true);
        pb.environment().put("TALLY_UPSTREAM_KEY", "sk-ant-server-key");
        return pb.start();
    }


    private String tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--data";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private Map<String, Integer> countsByRequestId() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Store store = Store.open(StoreConfig.embedded(dir));
             Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT request_id, count(*) FROM usage_events WHERE request_id IS NOT NULL GROUP BY request_id")) {
            while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
        }
        return out;
    }
}
