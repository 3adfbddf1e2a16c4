import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import tally.store.StoreConfig;

/**
 * 1 vs 3 {@code tally serve} replicas on one PostgreSQL, with and without a hard budget, in one run:
 * throughput and latency under a closed loop of CLIENTS round-robin clients, the latency each setup
 * adds over calling the upstream directly, and the cost of the shared budget check (with vs without).
 * Usage: FleetBench JAR POSTGRES_URL UPSTREAM_URL SECONDS CLIENTS
 */
public final class FleetBench {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final String BODY = "{\"model\":\"claude-haiku-4-5-20251001\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"say hi\"}]}";

    record Result(String name, double rps, double p50, double p99, long failed) {}

    private final String jar;
    private final String pg;
    private final String upstream;
    private final int seconds;
    private final int clients;

    private FleetBench(String[] a) {
        jar = a[0];
        pg = a[1];
        upstream = a[2];
        seconds = Integer.parseInt(a[3]);
        clients = Integer.parseInt(a[4]);
    }

    public static void main(String[] args) throws Exception {
        new FleetBench(args).run();
    }

    private void run() throws Exception {
        List<Result> results = new ArrayList<>();
        results.add(load("upstream directly (no gateway)", List.of(upstream), null));
        for (int replicas : new int[] {1, 3}) {
            for (boolean budget : new boolean[] {false, true}) results.add(setup(replicas, budget));
        }
        System.out.printf("%nfleet bench: %d closed-loop clients, %d s each, non-streaming Messages, %d cores%n",
                clients, seconds, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-44s %10s %9s %9s %8s%n", "setup", "req/s", "p50 ms", "p99 ms", "failed");
        for (Result r : results) System.out.printf("%-44s %10.0f %9.2f %9.2f %8d%n", r.name, r.rps, r.p50, r.p99, r.failed);
        storeLevel();
        Result direct = results.get(0);
        for (Result r : results.subList(1, results.size())) {
            System.out.printf("added p50 latency, %-28s %6.2f ms%n", r.name + ":", r.p50 - direct.p50);
        }
        for (int i = 1; i < results.size(); i += 2) {
            Result without = results.get(i);
            Result with = results.get(i + 1);
            System.out.printf("shared budget check, %s: throughput x%.2f, p50 x%.2f (+%.2f ms)%n", with.name.split(",")[0],
                    with.rps / without.rps, with.p50 / without.p50, with.p50 - without.p50);
        }
    }

    /**
     * The shared budget check alone, without HTTP: one reservation and one settlement on a single
     * organization budget (the most contended row), from 1 and from 12 threads (3 replicas' worth of
     * fleet workers), as ops per second and the p50/p99 of reserve+settle.
     */
    private void storeLevel() throws Exception {
        String schema = "fleet_bench_store_" + ProcessHandle.current().pid();
        exec("CREATE SCHEMA " + schema);
        String db = pg + (pg.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (tally.store.Store store = tally.store.Store.open(StoreConfig.postgres(Path.of(System.getProperty("java.io.tmpdir"), schema), db))) {
            tally.store.BudgetCounters counters = new tally.store.BudgetCounters(store);
            counters.create("org", 1L, 0, 0);
            List<tally.store.BudgetCounters.Claim> claims = List.of(new tally.store.BudgetCounters.Claim("org", 1L, Long.MAX_VALUE / 4, 400_000_000L));
            for (int threads : new int[] {1, 12}) {
                List<long[]> lat = new ArrayList<>();
                long stop = System.nanoTime() + seconds * 1_000_000_000L;
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long[] mine = new long[500_000];
                    lat.add(mine);
                    String replica = "bench-" + t;
                    Thread th = new Thread(() -> {
                        int n = 0;
                        while (System.nanoTime() < stop && n < mine.length) {
                            long s0 = System.nanoTime();
                            counters.reserve(replica, claims, 15_000);
                            counters.settle(replica, claims, new long[] {400_000_000L}, new long[] {150_000_000L}, 15_000);
                            mine[n++] = System.nanoTime() - s0;
                        }
                    });
                    th.start();
                    ts.add(th);
                }
                for (Thread th : ts) th.join();
                long[] all = lat.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
                System.out.printf("shared budget check in PostgreSQL, one org budget, %2d threads: %6.0f checks/s, reserve+settle p50 %.2f ms, p99 %.2f ms%n",
                        threads, all.length / (double) seconds, pct(all, 0.5), pct(all, 0.99));
            }
        } finally {
            exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private Result setup(int replicas, boolean budget) throws Exception {
        String schema = "fleet_bench_" + ProcessHandle.current().pid() + "_" + replicas + (budget ? "b" : "n");
        exec("CREATE SCHEMA " + schema);
        String db = pg + (pg.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path data = Path.of(System.getProperty("java.io.tmpdir"), schema);
        List<Process> procs = new ArrayList<>();
        try {
            String key = cli(db, data, "keys", "create", "--user", "bench").trim();
            if (budget) cli(db, data, "budgets", "set", "--org", "--monthly", "1000000000");
            List<String> bases = new ArrayList<>();
            for (int i = 0; i < replicas; i++) procs.add(serve(db, data.resolve("r" + i)));
            for (Process p : procs) bases.add(awaitBase(p));
            String name = replicas + (replicas == 1 ? " replica, " : " replicas, ") + (budget ? "hard budget" : "no budget");
            return load(name, bases, key);
        } finally {
            for (Process p : procs) p.destroy();
            for (Process p : procs) p.waitFor();
            exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** Warm-up, then {@code seconds} of closed-loop load, round-robin over the bases. */
    private Result load(String name, List<String> bases, String key) throws Exception {
        drive(bases, key, 2, new ArrayList<>(), new AtomicLong());
        List<long[]> lat = new ArrayList<>();
        AtomicLong failed = new AtomicLong();
        long t0 = System.nanoTime();
        drive(bases, key, seconds, lat, failed);
        double took = (System.nanoTime() - t0) / 1e9;
        long[] all = lat.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        return new Result(name, all.length / took, pct(all, 0.50), pct(all, 0.99), failed.get());
    }

    private void drive(List<String> bases, String key, int secs, List<long[]> lat, AtomicLong failed) throws Exception {
        long stop = System.nanoTime() + secs * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        AtomicLong next = new AtomicLong();
        for (int c = 0; c < clients; c++) {
            long[] mine = new long[200_000];
            synchronized (lat) {
                lat.add(mine);
            }
            Thread t = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < stop && n < mine.length) {
                    String base = bases.get((int) (next.getAndIncrement() % bases.size()));
                    long s = System.nanoTime();
                    try {
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/messages")).timeout(Duration.ofSeconds(30))
                                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                                .POST(HttpRequest.BodyPublishers.ofString(BODY));
                        b.header("x-api-key", key != null ? key : "sk-ant-bench");
                        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) mine[n++] = System.nanoTime() - s;
                        else failed.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    private Process serve(String db, Path data) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(java(), "-Xmx384m", "-jar", jar, "serve", "--port", "0", "--db", db,
                "--data", data.toString(), "--upstream", upstream, "--tz", "UTC").redirectErrorStream(true);
        pb.environment().put("TALLY_UPSTREAM_KEY", "sk-ant-bench-server-key");
        return pb.start();
    }

    private static String awaitBase(Process p) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("tally: serving on ")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (lines.readLine() != null) { /* not part of the figures */ }
                    } catch (IOException ignored) {
                        // gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return line.substring("tally: serving on ".length()).split(" ")[0];
            }
        }
        throw new IllegalStateException("tally serve did not start");
    }

    private String cli(String db, Path data, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar, "--db", db, "--data", data.resolve("cli").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("tally " + String.join(" ", args) + " failed");
        return out;
    }

    private void exec(String sql) throws Exception {
        StoreConfig.Jdbc jdbc = StoreConfig.postgres(Path.of("."), pg).jdbc();
        try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.properties()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
