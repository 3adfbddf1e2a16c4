import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency the gateway adds over calling the upstream directly, against what nginx adds as a plain
 * reverse proxy: open-loop at a fixed rate (latency counted from each request's scheduled time, so
 * a stall is not hidden), non-streaming and streaming; then saturation throughput, beside a bare
 * Vert.x proxy's (the gateway's stack doing nothing but proxy); then the gateway's heap with
 * thousands of streams held open.
 *
 * <p>Usage: GatewayBench DIRECT_URL NGINX_URL GATEWAY_URL GATEWAY_PID [RATE] [SECONDS] [STREAMS]
 */
public final class GatewayBench {
    static final String KEY = "sk-ant-bench-pass-through";
    static final String JSON_BODY = "{\"model\":\"claude-haiku-4-5-20251001\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"say hi\"}]}";
    static final String STREAM_BODY = JSON_BODY.replace("}]}", "}],\"stream\":true}");

    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    /** Requests are started on the client's event loop: Vert.x 5's client loses some requests started from other threads. */
    final io.vertx.core.Context loop = vertx.getOrCreateContext();

    public static void main(String[] args) throws Exception {
        Map<String, URI> targets = new LinkedHashMap<>();
        targets.put("direct", URI.create(args[0]));
        targets.put("nginx", URI.create(args[1]));
        targets.put("gateway", URI.create(args[2]));
        long gatewayPid = Long.parseLong(args[3]);
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        int streams = args.length > 6 ? Integer.parseInt(args[6]) : 5000;
        // Optional: a second gateway whose spool is on a tmpfs (not durable), to tell the disk's share of
        // the latency from the gateway's own; and the spool's directory, whose disk is probed on its own.
        String tmpfs = System.getProperty("bench.tmpfsGateway");
        if (hasText(tmpfs)) targets.put("gw-tmpfs", URI.create(tmpfs));
        // Optional: a third, on the same disk as the first, started with --spool-sync periodic.
        String periodic = System.getProperty("bench.periodicGateway");
        if (hasText(periodic)) targets.put("gw-periodic", URI.create(periodic));
        String diskDir = System.getProperty("bench.diskDir");
        // Optional: a bare reverse proxy on Vert.x (VertxBareProxy), measured at saturation only: the gateway's stack alone.
        String bare = System.getProperty("bench.vertxProxy");
        Set<String> cases = Set.of(System.getProperty("bench.cases", "rate,saturation,streams").split(","));
        GatewayBench b = new GatewayBench();

        // Every target warmed up first, closed loop: a JVM's hot paths compiled (C2) before any figure is
        // taken (nginx has no JIT), not 3,000 requests into a fixed-rate case. 30 s: after 5 s the gateway's
        // compiler was still busy through the first fixed-rate case on two cores (a JFR recording: ~2.4 s of
        // C2 compiling Netty's and Vert.x's hot paths in those 13 s). The store's backlog from it is waited
        // out before each case (settle). 0 skips it. Half its connections stream: the fixed-rate cases measure
        // both kinds, and with JSON alone the streaming paths (the SSE tap, a stream's held tail, chunked
        // writes, the client's too) were compiled during the first streaming round, whose p99 was then
        // the worst of the three in run after run (+3.1 and +3.0 ms against +1.1 to +1.7 for the others).
        int warmup = Integer.getInteger("bench.warmup", 30);
        if (warmup > 0) {
            System.out.printf("%nwarm-up: %d s closed loop (64 connections, half of them streaming) per target%n", warmup);
            for (URI t : targets.values()) b.saturate(t, 64, warmup, true);
            if (hasText(bare) && cases.contains("saturation")) b.saturate(URI.create(bare), 64, warmup);
        }
        if (cases.contains("rate")) {
            settle(targets);
            b.fixedRates(targets, rate, seconds, diskDir);
        }
        if (cases.contains("saturation")) {
            settle(targets);
            b.saturation(withBare(targets, bare), gatewayPid, seconds);
        }
        if (cases.contains("streams")) {
            settle(targets);
            System.out.printf("%nopen streams through the gateway%n");
            b.openStreams(targets.get("gateway"), streams, gatewayPid);
        }
        b.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.exit(0);
    }

    static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    /** The targets with the bare Vert.x proxy, when there is one, after nginx. */
    static Map<String, URI> withBare(Map<String, URI> targets, String bare) {
        if (!hasText(bare)) return targets;
        Map<String, URI> all = new LinkedHashMap<>();
        targets.forEach((k, v) -> {
            all.put(k, v);
            if (k.equals("nginx")) all.put("vertx-bare", URI.create(bare));
        });
        return all;
    }

    void fixedRates(Map<String, URI> targets, int rate, int seconds, String diskDir) throws Exception {
        GatewayBench b = this;
        int warm = Integer.getInteger("bench.rateWarmup", 3);
        // Rounds, the targets taken in turn in each: a slow spell of the machine (two shared cores) then falls on
        // every target alike rather than on one, and each figure is a percentile of all its rounds' requests.
        int rounds = Math.max(1, Integer.getInteger("bench.rateRounds", 3));
        System.out.printf("%nfixed rate %,d requests/s, %d round(s) of %d s per case after %d s of warm-up each, the targets in turn; "
                + "p50 and p99 of all rounds' requests, and each round's p99 (latency in ms)%n", rate, rounds, seconds, warm);
        System.out.printf("%-10s %-11s %9s %9s %9s %9s %7s %9s  %-16s %s%n", "response", "via", "p50", "p99", "+p50", "+p99", "errors",
                "max", "slowest sent at", "p99 each round");
        for (boolean stream : new boolean[] {false, true}) {
            Map<String, List<Series>> runs = new LinkedHashMap<>();
            Map<String, Map<String, Long>> before = new LinkedHashMap<>();
            for (var t : targets.entrySet()) if (t.getKey().startsWith("g")) before.put(t.getKey(), spoolWaits(t.getValue()));
            for (int round = 0; round < rounds; round++) {
                for (var t : targets.entrySet()) {
                    b.fixedRate(t.getValue(), stream, rate, warm); // warm-up, not counted
                    Series run = b.fixedRate(t.getValue(), stream, rate, seconds);
                    runs.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(run);
                    dump(t.getKey() + "-" + (stream ? "streaming" : "json"), run, round > 0);
                }
            }
            Map<String, double[]> got = new LinkedHashMap<>();
            runs.forEach((k, v) -> got.put(k, stats(v)));
            Map<String, String> held = new LinkedHashMap<>();
            for (var e : before.entrySet()) held.put(e.getKey(), heldFor(e.getValue(), targets.get(e.getKey())));
            double[] d = got.get("direct");
            for (var e : got.entrySet()) {
                double[] r = e.getValue();
                System.out.printf("%-10s %-11s %9.3f %9.3f %9s %9s %7d %9.3f  %-16s %s%n", stream ? "streaming" : "json", e.getKey(), r[0], r[1],
                        e.getKey().equals("direct") ? "" : String.format("%+.3f", r[0] - d[0]),
                        e.getKey().equals("direct") ? "" : String.format("%+.3f", r[1] - d[1]), (long) r[2], r[3],
                        java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli((long) r[4]), java.time.ZoneId.systemDefault()),
                        eachRound(runs.get(e.getKey())));
            }
            held.forEach((k, v) -> System.out.printf("  %s held its answers for the spool (its /metrics, to a bucket's bound): %s%n", k, v));
            double[] n = got.get("nginx");
            double[] g = got.get("gateway");
            System.out.printf("  gateway adds %.3f ms at p50 and %.3f ms at p99; nginx adds %.3f / %.3f ms; ratio gateway/nginx: p50 %s, p99 %s%n",
                    g[0] - d[0], g[1] - d[1], n[0] - d[0], n[1] - d[1], ratio(g[0] - d[0], n[0] - d[0]), ratio(g[1] - d[1], n[1] - d[1]));
            for (String k : runs.keySet()) {
                if (k.startsWith("g")) System.out.printf("  %s's added p99 each round: %s%n", k, addedEachRound(runs.get(k), runs.get("direct")));
            }
            double[] t = got.get("gw-tmpfs");
            if (t != null) {
                System.out.printf("  gw-tmpfs: the same gateway with its spool on a tmpfs (NOT durable), adds %.3f / %.3f ms "
                        + "(what it saves against the line above is the spool's disk)%n", t[0] - d[0], t[1] - d[1]);
            }
            double[] p = got.get("gw-periodic");
            if (p != null) {
                System.out.printf("  gw-periodic: the same gateway on the same disk with --spool-sync periodic (kept across kill -9; "
                        + "forced every 100 ms), adds %.3f / %.3f ms%n", p[0] - d[0], p[1] - d[1]);
            }
            if (hasText(diskDir)) {
                double[] f = DiskProbe.fdatasync(java.nio.file.Path.of(diskDir), rate, seconds);
                System.out.printf("  the disk alone (%s): append + fdatasync at %,d/s for %d s: p50 %.3f, p99 %.3f, max %.3f ms%n",
                        diskDir, rate, seconds, f[0], f[1], f[2]);
            }
        }
    }

    void saturation(Map<String, URI> targets, long gatewayPid, int seconds) throws Exception {
        GatewayBench b = this;
        int warm = Integer.getInteger("bench.saturationWarmup", 10);
        System.out.printf("%nsaturation (closed loop, 64 connections, non-streaming, %d s each after %d s of the same)%n", seconds, warm);
        Map<String, Double> sat = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (var t : targets.entrySet()) {
            if (t.getKey().equals("gw-tmpfs")) continue; // the same code: its CPU per request tells nothing new
            // The same load first: a gateway that served other requests meanwhile (the stores' settling polls
            // /metrics) had some hot paths deoptimised, and recompiles them once this load is back.
            b.saturate(t.getValue(), 64, warm);
            List<Long> pids = proxyPids(t.getKey(), gatewayPid);
            long cpuBefore = cpuNanos(pids);
            sat.put(t.getKey(), b.saturate(t.getValue(), 64, seconds));
            // CPU time per request holds up better than throughput on a machine others load too
            if (!pids.isEmpty()) cpu.put(t.getKey(), (cpuNanos(pids) - cpuBefore) / 1e3 / (sat.get(t.getKey()) * seconds));
            System.out.printf("  %-11s %,10.0f requests/s%s%n", t.getKey(), sat.get(t.getKey()),
                    cpu.containsKey(t.getKey()) ? String.format("  (CPU %.0f µs per request)", cpu.get(t.getKey())) : "");
        }
        System.out.printf("  gateway/direct %.2f, nginx/direct %.2f, gateway/nginx %.2f%s%s%n",
                sat.get("gateway") / sat.get("direct"), sat.get("nginx") / sat.get("direct"), sat.get("gateway") / sat.get("nginx"),
                sat.containsKey("gw-periodic") ? String.format(", gw-periodic/nginx %.2f", sat.get("gw-periodic") / sat.get("nginx")) : "",
                sat.containsKey("vertx-bare") ? String.format("; vertx-bare/nginx %.2f (the stack's own ceiling), gateway/vertx-bare %.2f",
                        sat.get("vertx-bare") / sat.get("nginx"), sat.get("gateway") / sat.get("vertx-bare")) : "");
        if (cpu.containsKey("nginx") && cpu.containsKey("gateway")) {
            System.out.printf("  CPU per proxied request, gateway/nginx %.2f%s%s%n", cpu.get("gateway") / cpu.get("nginx"),
                    cpu.containsKey("gw-periodic") ? String.format(", gw-periodic/nginx %.2f", cpu.get("gw-periodic") / cpu.get("nginx")) : "",
                    cpu.containsKey("vertx-bare") ? String.format(", vertx-bare/nginx %.2f; the gateway's own work beyond the bare proxy %.0f µs",
                            cpu.get("vertx-bare") / cpu.get("nginx"), cpu.get("gateway") - cpu.get("vertx-bare")) : "");
        }
    }

    /** The processes serving a target, whose CPU time is counted: nginx's master and workers, a gateway's or the bare proxy's JVM; none for direct. */
    static List<Long> proxyPids(String target, long gatewayPid) throws Exception {
        String pidFile = System.getProperty("bench.nginxPidFile");
        String periodicPid = System.getProperty("bench.periodicPid");
        if (target.equals("gateway")) return List.of(gatewayPid);
        if (target.equals("gw-periodic") && hasText(periodicPid)) return List.of(Long.parseLong(periodicPid));
        String barePid = System.getProperty("bench.vertxPid");
        if (target.equals("vertx-bare") && hasText(barePid)) return List.of(Long.parseLong(barePid));
        if (!target.equals("nginx") || pidFile == null) return List.of();
        long master = Long.parseLong(java.nio.file.Files.readString(java.nio.file.Path.of(pidFile)).trim());
        List<Long> pids = new ArrayList<>(List.of(master));
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (var dir : (Iterable<java.nio.file.Path>) procs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try {
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    long ppid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                    if (ppid == master) pids.add(Long.parseLong(name));
                } catch (java.io.IOException | RuntimeException gone) {
                    // a process that ended while listed
                }
            }
        }
        return pids;
    }

    static long cpuNanos(List<Long> pids) throws Exception {
        long sum = 0;
        for (long pid : pids) sum += cpuNanos(pid);
        return sum;
    }

    /**
     * Waits until every gateway has stored what it was sent (its spooled backlog and in-memory queue
     * empty, read from its own /metrics), up to 3 minutes: a warm-up or a saturation run leaves tens of
     * thousands of records whose store writes would otherwise share the cores with the next case and
     * set its p99, whichever target that case measures (the direct calls too). Prints how long it took.
     */
    static void settle(Map<String, URI> targets) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(3);
        long most = 0;
        List<String> behind = new ArrayList<>();
        for (var t : targets.entrySet()) {
            if (!t.getKey().startsWith("g")) continue; // gateway, gw-tmpfs, gw-periodic
            while (true) {
                String text = metrics(t.getValue());
                long waiting = gauge(text, "tally_ingest_backlog_records") + gauge(text, "tally_ingest_queue_depth");
                most = Math.max(most, waiting);
                if (waiting == 0) break;
                if (System.nanoTime() > deadline) {
                    behind.add(t.getKey() + " (" + waiting + " records)");
                    break;
                }
                Thread.sleep(200);
            }
        }
        if (!behind.isEmpty()) { // its store's writes then weigh on every figure of the case
            System.out.printf("%nNOT SETTLED: after 3 min these gateways' stores still had records waiting: %s;"
                    + " the next case's figures are taken while they write them%n", String.join(", ", behind));
            return;
        }
        // an upper bound: a server renders /metrics at most every few seconds and answers from that meanwhile
        System.out.printf("%nthe gateways' stores caught up within %.1f s (%,d records were waiting at most, as /metrics showed)%n",
                (System.nanoTime() - t0) / 1e9, most);
    }

    /** One client for every /metrics read: settling polls five times a second, and each client keeps a thread. */
    static final java.net.http.HttpClient METRICS_CLIENT = java.net.http.HttpClient.newHttpClient();

    /** A server's /metrics text. */
    static String metrics(URI target) throws Exception {
        java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(target.resolve("/metrics")).build();
        return METRICS_CLIENT.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    static final String SPOOL_WAIT = "tally_gateway_spool_wait_seconds_bucket{le=\"";

    /** A gateway's tally_gateway_spool_wait_seconds histogram: bucket bound → answers held at most that long. */
    static Map<String, Long> spoolWaits(URI target) throws Exception {
        String text = metrics(target);
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith(SPOOL_WAIT)) continue;
            int close = line.indexOf("\"}", SPOOL_WAIT.length());
            out.put(line.substring(SPOOL_WAIT.length(), close), (long) Double.parseDouble(line.substring(close + 3).trim()));
        }
        return out;
    }

    /**
     * How long the gateway held its answers for their records' flush since {@code before}: p50 and p99 as
     * the bounds of the buckets they fall in. The server caches a scrape for 5 s, so the second is read
     * once that has passed (nothing reached this gateway between the first read and the case).
     */
    static String heldFor(Map<String, Long> before, URI target) throws Exception {
        Thread.sleep(5_200);
        Map<String, Long> after = spoolWaits(target);
        long total = after.getOrDefault("+Inf", 0L) - before.getOrDefault("+Inf", 0L);
        if (total <= 0) return "no answer held";
        return String.format("p50 <= %s, p99 <= %s ms, of %,d answers", bucketOf(before, after, total, 0.50),
                bucketOf(before, after, total, 0.99), total);
    }

    private static String bucketOf(Map<String, Long> before, Map<String, Long> after, long total, double q) {
        for (var e : after.entrySet()) {
            if (e.getValue() - before.getOrDefault(e.getKey(), 0L) >= Math.ceil(q * total)) {
                return e.getKey().equals("+Inf") ? "more than 10 s" : new java.math.BigDecimal(e.getKey())
                        .multiply(java.math.BigDecimal.valueOf(1000)).stripTrailingZeros().toPlainString();
            }
        }
        return "?";
    }

    /** A gauge's value in Prometheus text, 0 when absent. */
    static long gauge(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
        }
        return 0;
    }

    /** a/b as "2.27x"; "n/a" where nginx added nothing measurable (the direct calls' own spread was larger). */
    static String ratio(double a, double b) {
        return b <= 0 ? "n/a" : String.format("%.2fx", a / b);
    }

    HttpClientAgent client(int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(10_000),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    RequestOptions options(URI target, boolean hold) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost()).setPort(target.getPort())
                .setURI("/v1/messages").putHeader("x-api-key", KEY).putHeader("anthropic-version", "2023-06-01")
                .putHeader("content-type", "application/json");
        if (hold) o.putHeader("x-bench-hold", "1");
        return o;
    }

    Future<Buffer> call(HttpClientAgent c, URI target, boolean stream) {
        return c.request(options(target, false)).compose(r -> r.send(stream ? STREAM_BODY : JSON_BODY)).compose(resp -> {
            if (resp.statusCode() != 200) return Future.failedFuture("status " + resp.statusCode());
            return resp.body();
        });
    }

    /** One fixed-rate run: each request's latency in ns, in the order they were due, from {@code startWallMs} every {@code intervalNanos}. */
    record Series(long[] latency, int errors, long startWallMs, long intervalNanos) {
        double dueWallMs(int i) {
            return startWallMs + i * intervalNanos / 1e6;
        }

        double p99() {
            long[] sorted = latency.clone();
            Arrays.sort(sorted);
            return FleetBench.pct(sorted, 0.99);
        }
    }

    /** Requests at a fixed rate for {@code seconds}, open loop: each latency counted from when it was due. */
    Series fixedRate(URI target, boolean stream, int rate, int seconds) throws InterruptedException {
        HttpClientAgent c = client(512);
        int n = rate * seconds;
        long[] latency = new long[n];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        long startWallMs = System.currentTimeMillis() + 50; // the same moment on the wall clock
        for (int i = 0; i < n; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
            int k = i;
            loop.runOnContext(v -> call(c, target, stream).onComplete(ar -> {
                latency[k] = System.nanoTime() - due;
                if (ar.failed()) errors.incrementAndGet();
                done.countDown();
            }));
        }
        done.await(60, TimeUnit.SECONDS);
        c.close();
        return new Series(latency, errors.get(), startWallMs, interval);
    }

    /**
     * p50 and p99 in ms of all the runs' requests together, the error count, the slowest in ms and when it
     * was due (ms since the epoch, to line it up with a log or recording of the gateway).
     */
    static double[] stats(List<Series> runs) {
        int n = 0;
        for (Series r : runs) n += r.latency().length;
        long[] all = new long[n];
        int at = 0;
        int errors = 0;
        double max = -1;
        double slowestAt = 0;
        for (Series r : runs) {
            System.arraycopy(r.latency(), 0, all, at, r.latency().length);
            at += r.latency().length;
            errors += r.errors();
            for (int i = 0; i < r.latency().length; i++) {
                if (r.latency()[i] / 1e6 > max) {
                    max = r.latency()[i] / 1e6;
                    slowestAt = r.dueWallMs(i);
                }
            }
        }
        Arrays.sort(all);
        return new double[] {FleetBench.pct(all, 0.5), FleetBench.pct(all, 0.99), errors, max, slowestAt};
    }

    /** Each run's p99 in ms, as "1.23 0.98 1.40". */
    static String eachRound(List<Series> runs) {
        StringBuilder out = new StringBuilder();
        for (Series r : runs) out.append(out.length() == 0 ? "" : " ").append(String.format("%.2f", r.p99()));
        return out.toString();
    }

    /** Each round's p99 less the direct calls' p99 of the same round, in ms, as "+1.23 +0.98". */
    static String addedEachRound(List<Series> runs, List<Series> direct) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            out.append(i == 0 ? "" : " ").append(String.format("%+.2f", runs.get(i).p99() - direct.get(i).p99()));
        }
        return out.toString();
    }

    /**
     * With {@code -Dbench.dump=DIR}, each request's due time (wall clock, ms) and latency (ms) go to
     * DIR/{@code name}.txt (a later round's appended), to line the slow ones up with a scheduler trace
     * of the same seconds ({@code perf sched}).
     */
    private static void dump(String name, Series run, boolean append) {
        String dir = System.getProperty("bench.dump");
        if (!hasText(dir)) return;
        java.nio.file.Path file = java.nio.file.Path.of(dir, name + ".txt");
        java.nio.file.OpenOption[] how = append
                ? new java.nio.file.OpenOption[] {java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND}
                : new java.nio.file.OpenOption[0];
        try (java.io.PrintWriter w = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(file, how))) {
            for (int i = 0; i < run.latency().length; i++) w.printf("%.3f %.3f%n", run.dueWallMs(i), run.latency()[i] / 1e6);
        } catch (java.io.IOException e) {
            System.out.println("  cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Requests per second with {@code connections} requests always in flight. */
    double saturate(URI target, int connections, int seconds) throws InterruptedException {
        return saturate(target, connections, seconds, false);
    }

    /** As above; with {@code halfStreaming}, every other connection asks for streamed answers. */
    double saturate(URI target, int connections, int seconds, boolean halfStreaming) throws InterruptedException {
        HttpClientAgent c = client(connections);
        AtomicLong completed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            boolean stream = halfStreaming && i % 2 == 1;
            loop.runOnContext(v -> loop(c, target, stream, end, completed, done));
        }
        done.await(seconds + 30L, TimeUnit.SECONDS);
        c.close();
        return completed.get() / (double) seconds;
    }

    private void loop(HttpClientAgent c, URI target, boolean stream, long end, AtomicLong completed, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        call(c, target, stream).onComplete(ar -> {
            if (ar.succeeded()) completed.incrementAndGet();
            loop(c, target, stream, end, completed, done);
        });
    }

    /** Holds {@code n} streams open through the gateway and reads its heap (after a full GC) and resident size. */
    void openStreams(URI gateway, int n, long pid) throws Exception {
        long before = heapUsedKb(pid);
        HttpClientAgent c = client(n);
        CountDownLatch started = new CountDownLatch(n);
        AtomicInteger failed = new AtomicInteger();
        List<io.vertx.core.http.HttpClientRequest> open = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (i % 500 == 499) Thread.sleep(100); // open them over about a second
            loop.runOnContext(v -> c.request(options(gateway, true)).compose(r -> {
                synchronized (open) {
                    open.add(r);
                }
                return r.send(STREAM_BODY);
            }).onComplete(ar -> {
                if (ar.failed() || ar.result().statusCode() != 200) {
                    failed.incrementAndGet();
                    started.countDown();
                    return;
                }
                boolean[] first = {true};
                ar.result().handler(buf -> {
                    if (first[0]) {
                        first[0] = false;
                        started.countDown();
                    }
                });
            }));
        }
        boolean all = started.await(60, TimeUnit.SECONDS);
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        long heap = heapUsedKb(pid);
        long rss = rssKb(pid);
        System.out.printf("  %,d of %,d streams open and streaming (%d failed) after %.1f s; gateway heap after full GC: %,d MB "
                        + "(%,d MB before them); resident set %,d MB; run with -Xmx512m%n",
                n - started.getCount() - failed.get(), n, failed.get(), openSeconds, heap / 1024, before / 1024, rss / 1024);
        loop.runOnContext(v -> {
            synchronized (open) {
                open.forEach(r -> r.reset());
            }
        });
        Thread.sleep(2_000);
        c.close();
    }

    static long heapUsedKb(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        // "garbage-first heap   total 262144K, used 34567K" (G1), or one such line per generation (serial,
        // parallel: "def new generation", "tenured generation", "PSYoungGen", "ParOldGen"): their sum
        long used = -1;
        for (String line : run("jcmd", Long.toString(pid), "GC.heap_info")) {
            int u = line.indexOf(" used ");
            if (line.contains("total") && u > 0) {
                String v = line.substring(u + 6).trim();
                used = Math.max(used, 0) + Long.parseLong(v.substring(0, v.indexOf('K')));
            }
        }
        return used;
    }

    /** The process's user + system CPU time so far, from /proc/PID/stat (clock ticks of 10 ms). */
    static long cpuNanos(long pid) throws Exception {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime, stime
    }

    static long rssKb(long pid) throws Exception {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String l; (l = r.readLine()) != null; ) out.add(l);
        }
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
