import tally.store.Store;
import tally.store.StoreConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code tally serve} does when things go wrong, as real processes on loopback:
 * <ol>
 *   <li>{@code kill -9} under load, gateway then OTLP: requests answered vs records in the ledger
 *       after a restart on the same data (lost, counted twice);</li>
 *   <li>a hard budget under concurrent requests whose usage dwarfs their body: spent vs limit;</li>
 *   <li>bad input, class by class: the HTTP status and the start of each answer.</li>
 * </ol>
 * Bounded: 16 clients, about 2 s of load per run. Usage: FaultsBench JAR WORK_DIR
 */
public final class FaultsBench {
    static final int CLIENTS = 16;
    static final long LOAD_MS = 2_000;
    static final String MODEL = "claude-haiku-4-5-20251001";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final String jar;
    final Path work;
    final String upstream;

    FaultsBench(String jar, Path work, String upstream) {
        this.jar = jar;
        this.work = work;
        this.upstream = upstream;
    }

    public static void main(String[] args) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        GatewayBenchUpstream.main(new String[] {Integer.toString(port)});
        FaultsBench b = new FaultsBench(args[0], Path.of(args[1]), "http://127.0.0.1:" + port);
        b.durableAck();
        b.gatewayKill();
        b.otlpKill();
        b.budget();
        b.badInput();
        System.exit(0);
    }

    // ---------------------------------------------------------------- what holding an answer for its record costs

    /**
     * The gateway releases a response's last bytes when its record is forced to the spool: that wait
     * is the latency durability adds. Measured on the writer itself, CLIENTS waiters back to back.
     */
    void durableAck() throws Exception {
        Path data = work.resolve("ack");
        try (Store store = Store.open(StoreConfig.embedded(data));
             tally.ingest.IngestWriter w = new tally.ingest.IngestWriter(new tally.store.Ledger(store),
                     new tally.ingest.Spool(data.resolve("spool")), tally.pricing.PriceCatalog.bundled()::price,
                     tally.ingest.IngestWriter.Options.DEFAULT)) {
            List<Long> waits = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicLong n = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_MS);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread t = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        tally.core.UsageEvent e = tally.core.UsageEvent.builder().id("ack_" + n.incrementAndGet())
                                .time(Instant.now()).source(tally.core.Source.GATEWAY).identity("ack").modelId(MODEL)
                                .tokens(tally.core.TokenCounts.of(100, 10)).build();
                        try {
                            w.submitDurable(e).get(30, TimeUnit.SECONDS);
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                        waits.add(System.nanoTime() - t0);
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) t.join();
            List<Long> sorted = new ArrayList<>(waits);
            sorted.sort(null);
            System.out.printf("durable  %d waiters for %.1f s: %d records forced to the spool (%.0f/s); wait until on disk"
                            + " p50 %.2f ms, p99 %.2f ms (this is what the gateway adds to a response's end)%n",
                    CLIENTS, LOAD_MS / 1e3, sorted.size(), sorted.size() / (LOAD_MS / 1e3),
                    sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() * 99 / 100) / 1e6);
        }
    }

    // ---------------------------------------------------------------- kill -9 under load

    void gatewayKill() throws Exception {
        Path data = work.resolve("gateway");
        Server s = start(data);
        String key = cli(data, "keys", "create", "--user", "loaded").trim();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicInteger streamed = new AtomicInteger();
        Load load = load(s, i -> {
            boolean stream = i % 2 == 0;
            HttpResponse<String> r = send("POST", s.base + "/v1/messages", key, "application/json",
                    body(64, stream).getBytes(StandardCharsets.UTF_8));
            boolean whole = stream ? r.body().contains("event: message_stop") : r.body().endsWith("}");
            String id = r.headers().firstValue("request-id").orElse(null);
            if (r.statusCode() != 200 || !whole || id == null) return false;
            answered.add(id);
            if (stream) streamed.incrementAndGet();
            return true;
        });
        restartAndStop(data);
        Map<String, Integer> ledger = countByRequestId(data, "req_bench_%");
        report("gateway", load, answered, ledger, streamed.get() + " of them streamed");
    }

    void otlpKill() throws Exception {
        Path data = work.resolve("otlp");
        Server s = start(data);
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicLong seq = new AtomicLong();
        Load load = load(s, i -> {
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < 5; k++) ids.add("req_otlp_" + seq.incrementAndGet());
            HttpResponse<String> r = send("POST", s.base + "/v1/logs", null, "application/json",
                    otlpLogs(ids, "10", null).getBytes(StandardCharsets.UTF_8));
            if (r.statusCode() != 200 || r.body().contains("rejected")) return false;
            answered.addAll(ids);
            return true;
        });
        restartAndStop(data);
        Map<String, Integer> ledger = countByRequestId(data, "req_otlp_%");
        report("otlp", load, answered, ledger, "5 api_request events per export");
    }

    private void report(String what, Load load, Set<String> answered, Map<String, Integer> ledger, String note) {
        long lost = answered.stream().filter(id -> !ledger.containsKey(id)).count();
        long twice = ledger.values().stream().filter(n -> n > 1).count();
        System.out.printf("%-8s kill -9 after %.1f s of load (from the first answer) by %d clients: %d exports/requests answered 200, %d cut off;"
                        + " %d records answered (%s)%n", what, load.seconds, CLIENTS, load.ok, load.failed, answered.size(), note);
        System.out.printf("%-8s after restart: %d of them in the ledger, LOST %d, COUNTED TWICE %d (ledger holds %d such records)%n",
                what, answered.size() - lost, lost, twice, ledger.size());
    }

    private void restartAndStop(Path data) throws Exception {
        Server again = start(data); // replays the spool
        again.process.destroy();     // SIGTERM: drains and stores everything, frees the store
        again.process.waitFor(60, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- budget

    void budget() throws Exception {
        Path data = work.resolve("budget");
        Server s = start(data);
        String key = cli(data, "keys", "create", "--user", "spender").trim();
        cli(data, "budgets", "set", "--person", "spender", "--usd", "0.02", "--period", "daily");
        AtomicInteger blocked = new AtomicInteger();
        Load load = loadUntil(s, 3_000, i -> {
            HttpResponse<String> r = send("POST", s.base + "/v1/messages", key, "application/json",
                    body(64, false).getBytes(StandardCharsets.UTF_8));
            if (r.statusCode() == 402) blocked.incrementAndGet();
            return r.statusCode() == 200;
        }, () -> blocked.get() > 0);
        s.process.destroy();
        s.process.waitFor(60, TimeUnit.SECONDS);
        long spent = sumCost(data);
        long limit = 20_000_000L;
        System.out.printf("budget   hard $0.02 daily, %d clients; each request's body is %d bytes (max_tokens 64) but its usage"
                        + " is 25 in + 1,500 cache-write + 12,000 cache-read + 7 out tokens on %s%n",
                CLIENTS, body(64, false).length(), MODEL);
        // the stated bound (README, tally help budgets): never more than one request's actual cost over the limit
        long oneRequest = sumCost(data) / Math.max(1, load.ok);
        System.out.printf("budget   %d answered 200, %d refused 402: spent $%s vs limit $%s, overshoot $%s (%.0f%%);"
                        + " stated bound: one request's actual cost ($%s) over the limit: %s%n",
                load.ok, blocked.get(), usd(spent), usd(limit), usd(spent - limit), 100.0 * (spent - limit) / limit,
                usd(oneRequest), spent - limit <= oneRequest ? "held" : "EXCEEDED");
    }

    // ---------------------------------------------------------------- bad input

    void badInput() throws Exception {
        Path data = work.resolve("probe");
        Server s = start(data);
        String key = cli(data, "keys", "create", "--user", "prober").trim();
        Map<String, Probe> probes = new LinkedHashMap<>();
        String now = Long.toString(System.currentTimeMillis() * 1_000_000L);
        probes.put("otlp negative token count", otlp(otlpLogs(List.of("req_neg"), "-5", null)));
        probes.put("otlp huge token count 1e20", otlp(otlpLogs(List.of("req_huge"), "99999999999999999999", null)));
        probes.put("otlp token count 9.2e18 (fits a long)", otlp(otlpLogs(List.of("req_maxlong"), "9200000000000000000", null)));
        probes.put("otlp NaN token count", otlp(otlpLogs(List.of("req_nan"), "NaN", null)));
        probes.put("otlp string token count", otlp(otlpLogs(List.of("req_str"), "\"abc\"", null)));
        probes.put("otlp far-future timestamp (2500)", otlp(otlpLogs(List.of("req_future"), "10", "16725225600000000000")));
        probes.put("otlp timestamp 0 (1970)", otlp(otlpLogs(List.of("req_epoch"), "10", "0")));
        probes.put("otlp NUL in a request id", otlp(otlpLogs(List.of("req_\\u0000nul"), "10", null)));
        probes.put("otlp malformed JSON", otlp("{\"resourceLogs\":[{\"scopeLogs\":["));
        probes.put("otlp JSON that is not an object", otlp("[1,2,3]"));
        probes.put("otlp oversized body (65 MiB)", new Probe("POST", "/v1/logs", null, "application/json", oversized(65)));
        probes.put("otlp unknown content-type", new Probe("POST", "/v1/logs", null, "text/plain", bytes("hello")));
        probes.put("gateway max_tokens -1", gw(key, "-1"));
        probes.put("gateway max_tokens 0", gw(key, "0"));
        probes.put("gateway max_tokens \"abc\"", gw(key, "\"abc\""));
        probes.put("gateway max_tokens 1e30", gw(key, "1e30"));
        probes.put("gateway max_tokens 2^63", gw(key, "9223372036854775808"));
        probes.put("gateway max_tokens missing", new Probe("POST", "/v1/messages", key, "application/json",
                bytes("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
        probes.put("gateway malformed JSON", new Probe("POST", "/v1/messages", key, "application/json", bytes("{\"model\":")));
        probes.put("gateway oversized body (33 MiB)", new Probe("POST", "/v1/messages", key, "application/json", oversized(33)));
        probes.put("gateway no key", new Probe("POST", "/v1/messages", null, "application/json", bytes(body(64, false))));
        probes.put("unknown route GET /nope", new Probe("GET", "/nope", null, null, null));
        probes.put("unknown route GET /api/nope", new Probe("GET", "/api/nope", null, null, null));
        probes.put("unknown route POST /v1/nope (keyed)", new Probe("POST", "/v1/nope", key, "application/json", bytes("{}")));
        probes.put("api bad parameter /api/usage?days=-3", new Probe("GET", "/api/usage?days=-3", null, null, null));
        System.out.printf("bad input (status, then the first 100 characters of the answer); now = %s ns%n", now);
        for (var p : probes.entrySet()) {
            String answer;
            try {
                HttpResponse<String> r = send(p.getValue().method, s.base + p.getValue().path, p.getValue().key,
                        p.getValue().type, p.getValue().body);
                answer = r.statusCode() + "  " + r.body().replaceAll("\\s+", " ");
            } catch (IOException | RuntimeException e) {
                answer = "no answer: " + e;
            }
            System.out.printf("  %-40s %s%n", p.getKey(), answer.length() > 105 ? answer.substring(0, 105) + "…" : answer);
        }
        s.process.destroy();
        s.process.waitFor(60, TimeUnit.SECONDS);
        System.out.printf("  OTLP probe records in the ledger (request id, input tokens, time): %s%n", probeRecords(data));
    }

    record Probe(String method, String path, String key, String type, byte[] body) {}

    private static Probe otlp(String json) {
        return new Probe("POST", "/v1/logs", null, "application/json", bytes(json));
    }

    private static Probe gw(String key, String maxTokens) {
        return new Probe("POST", "/v1/messages", key, "application/json", bytes("{\"model\":\"" + MODEL + "\",\"max_tokens\":"
                + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    }

    private static byte[] oversized(int mib) {
        byte[] b = new byte[mib << 20];
        java.util.Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        b[b.length - 1] = '}';
        return b;
    }

    // ---------------------------------------------------------------- load

    interface Call {
        boolean run(int i) throws Exception;
    }

    record Load(long ok, long failed, double seconds) {}

    /** CLIENTS threads calling back to back for LOAD_MS after the first answer, then SIGKILL to the server's JVM while they run. */
    private Load load(Server s, Call call) throws Exception {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = clients(s, call, ok, failed, () -> false, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        long warmBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (ok.get() == 0 && System.nanoTime() < warmBy) Thread.sleep(10); // a fresh JVM's first answers are slow
        long t0 = System.nanoTime();
        Thread.sleep(LOAD_MS);
        s.process.destroyForcibly(); // java itself, not a wrapper: SIGKILL
        s.process.waitFor(10, TimeUnit.SECONDS);
        double secs = (System.nanoTime() - t0) / 1e9;
        for (Thread t : threads) t.join(30_000);
        return new Load(ok.get(), failed.get(), secs);
    }

    /** CLIENTS threads calling back to back until {@code stop} says so or {@code ms} have passed. */
    private Load loadUntil(Server s, long ms, Call call, java.util.function.BooleanSupplier stop) throws Exception {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> threads = clients(s, call, ok, failed, stop, t0 + TimeUnit.MILLISECONDS.toNanos(ms));
        for (Thread t : threads) t.join(30_000);
        return new Load(ok.get(), failed.get(), (System.nanoTime() - t0) / 1e9);
    }

    private static List<Thread> clients(Server s, Call call, AtomicLong ok, AtomicLong failed,
                                        java.util.function.BooleanSupplier stop, long deadline) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int i = client; s.process.isAlive() && !stop.getAsBoolean() && System.nanoTime() < deadline; i += CLIENTS) {
                    try {
                        if (call.run(i)) ok.incrementAndGet();
                        else failed.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        return threads;
    }

    // ---------------------------------------------------------------- processes and HTTP

    record Server(Process process, String base) {}

    private Server start(Path data) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(java(), "-Xmx512m", "-jar", jar, "serve", "--port", "0",
                "--data", data.toString(), "--upstream", upstream, "--tz", "UTC").redirectErrorStream(true);
        pb.environment().put("TALLY_UPSTREAM_KEY", "sk-ant-bench-server-key");
        Process p = pb.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String base = null;
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("tally: serving on ")) {
                base = line.substring("tally: serving on ".length()).split(" ")[0];
                break;
            }
        }
        if (base == null) throw new IllegalStateException("tally serve did not start on " + data);
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) { /* the server's log is not part of the figures */ }
            } catch (IOException ignored) {
                // gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new Server(p, base);
    }

    /** A tally command on the same data: it runs inside the server that owns the store. */
    private String cli(Path data, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar, "--data", data.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("tally " + String.join(" ", args) + " failed");
        return out;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static HttpResponse<String> send(String method, String url, String key, String type, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) b.header("x-api-key", key).header("anthropic-version", "2023-06-01");
        if (type != null) b.header("content-type", type);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String body(long maxTokens, boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"say hi\"}]" + (stream ? ",\"stream\":true" : "") + "}";
    }

    /** Claude Code api_request events in OTLP/JSON; {@code tokens} is the raw JSON of input_tokens' value. */
    static String otlpLogs(List<String> requestIds, String tokens, String timeNanos) {
        StringBuilder records = new StringBuilder();
        String at = timeNanos != null ? timeNanos : Long.toString(Instant.now().toEpochMilli() * 1_000_000L);
        String value = tokens.startsWith("\"") ? "{\"stringValue\":" + tokens + "}"
                : tokens.equals("NaN") ? "{\"doubleValue\":\"NaN\"}" : "{\"intValue\":\"" + tokens + "\"}";
        for (String id : requestIds) {
            if (records.length() > 0) records.append(',');
            records.append("{\"timeUnixNano\":\"").append(at).append("\",\"body\":{\"stringValue\":\"claude_code.api_request\"},")
                    .append("\"attributes\":[").append(attr("event.name", "api_request")).append(',')
                    .append(attr("session.id", "s-" + id)).append(',').append(attr("model", MODEL)).append(',')
                    .append(attr("request_id", id)).append(',').append(attr("user.email", "otel@bench")).append(',')
                    .append("{\"key\":\"input_tokens\",\"value\":").append(value).append("},")
                    .append("{\"key\":\"output_tokens\",\"value\":{\"intValue\":\"20\"}}]}");
        }
        return "{\"resourceLogs\":[{\"resource\":{\"attributes\":[" + attr("service.name", "claude-code") + "]},"
                + "\"scopeLogs\":[{\"scope\":{\"name\":\"com.anthropic.claude_code.events\"},\"logRecords\":[" + records + "]}]}]}";
    }

    private static String attr(String k, String v) {
        return "{\"key\":\"" + k + "\",\"value\":{\"stringValue\":\"" + v + "\"}}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- the ledger, read after the server stopped

    private static Map<String, Integer> countByRequestId(Path data, String like) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Store store = Store.open(StoreConfig.embedded(data)); Connection c = store.connection();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT request_id, count(*) FROM usage_events WHERE request_id LIKE '"
                     + like + "' GROUP BY request_id")) {
            while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
        }
        return out;
    }

    private static List<String> probeRecords(Path data) throws Exception {
        List<String> out = new ArrayList<>();
        try (Store store = Store.open(StoreConfig.embedded(data)); Connection c = store.connection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT request_id, input_tokens, ts_ms"
                     + " FROM usage_events WHERE request_id NOT LIKE 'req_bench_%' ORDER BY request_id")) {
            while (rs.next()) out.add(rs.getString(1) + " " + rs.getLong(2) + " " + Instant.ofEpochMilli(rs.getLong(3)));
        }
        return out;
    }

    private static long sumCost(Path data) throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(data)); Connection c = store.connection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(sum(cost_nanos), 0) FROM usage_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String usd(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).setScale(4, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
