package tally.gateway;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tally.Fixtures;
import tally.store.TestStores;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A measurement, not a check (run with -Dtally.probe=true): bytes allocated and CPU spent per
 * streamed response, counted by the JVM per thread, so the figures do not depend on the machine's load.
 * <ul>
 *   <li>the SSE tap alone, fed a captured stream one event a chunk;</li>
 *   <li>the gateway's event loops over loopback, a streamed exchange with a fake upstream of 20 text
 *       deltas (the fake runs on the same event loops: its share is the same before and after).</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "tally.probe", matches = "true")
class StreamAllocationProbe {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir Path dir;

    @Test
    void tapAlone() throws Exception {
        String sse = Files.readString(Fixtures.CLAUDE_CODE.resolve("vertex/read-tool.turn1.sse.txt"));
        List<Buffer> chunks = new ArrayList<>();
        for (String event : sse.split("(?<=\n\n)")) chunks.add(Buffer.buffer(event));
        int n = 200_000;
        for (int round = 0; round < 3; round++) {
            for (boolean legacy : new boolean[] {true, false}) { // the tap as it was, and as it is, back to back
                long bytes0 = THREADS.getCurrentThreadAllocatedBytes();
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                long sink = 0;
                for (int i = 0; i < n; i++) {
                    UsageTap tap = legacy ? new SseTapTest.LegacySse() : UsageTap.forContentType("text/event-stream");
                    for (Buffer c : chunks) tap.feed(c);
                    tap.finish();
                    sink += tap.usage.tokens().output();
                }
                long bytes = THREADS.getCurrentThreadAllocatedBytes() - bytes0;
                long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
                System.out.printf("PROBE tap %s round %d: %d events, %d bytes a stream: %d B allocated, %.2f us CPU a stream (%d)%n",
                        legacy ? "legacy" : "now", round, chunks.size(), sse.length(), bytes / n, cpu / 1e3 / n, sink);
            }
        }
    }

    @Test
    void gatewayEventLoops() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.team("platform"));
            gw.upstream.deltas = 20;
            String body = Http.messageBody("claude-sonnet-4-5-20250929", 100, true);
            for (int round = 0; round < 3; round++) {
                int n = round == 0 ? 1_000 : 3_000;
                long[] before = eventLoops();
                for (int i = 0; i < n; i++) Http.post(gw.url() + "/v1/messages", Http.withKey(key), body);
                long[] after = eventLoops();
                System.out.printf("PROBE gateway round %d: %d streamed requests: %d B allocated, %.1f us CPU a request on the event loops%n",
                        round, n, (after[0] - before[0]) / n, (after[1] - before[1]) / 1e3 / n);
            }
        }
    }

    /** Bytes allocated and CPU nanoseconds, summed over the Vert.x event-loop threads. */
    private static long[] eventLoops() {
        long bytes = 0, cpu = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith("vert.x-eventloop-thread")) continue;
            bytes += THREADS.getThreadAllocatedBytes(t.getId());
            cpu += THREADS.getThreadCpuTime(t.getId());
        }
        return new long[] {bytes, cpu};
    }
}
