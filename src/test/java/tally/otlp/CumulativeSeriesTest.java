package tally.otlp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Activity;
import tally.store.StoreConfig;
import tally.store.TcpProxy;
import tally.store.TestStores;
import tally.store.UsageRow;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.otlp.CollectorNode.T0;
import static tally.otlp.CollectorNode.estimatedCost;
import static tally.otlp.CollectorNode.inputTokens;

/**
 * Claude Code's token counters are cumulative: each export repeats the running total. Whichever
 * process sees the points — the same collector after a restart, one that replays a spool, another
 * replica on the same PostgreSQL — the series is counted once: 100, 150, restart, 200 is 200.
 */
class CumulativeSeriesTest {
    /** When bob's Claude Code process started counting; a later start is a new process (a reset). */
    private static final Instant START = T0.minusSeconds(600);
    /** Sonnet 4.5 input at $3 per million tokens. */
    private static final long NANOS_PER_INPUT_TOKEN = 3_000;

    @TempDir Path dir;

    private static Instant minute(int n) {
        return T0.plusSeconds(60L * n);
    }

    /** Runs a collector that sees 100 and then 150 of bob's input tokens, and stops. */
    private static void firstRun(StoreConfig config) throws Exception {
        try (CollectorNode n = new CollectorNode(config)) {
            n.export("/v1/metrics", inputTokens("s1", START, minute(0), 100));
            n.export("/v1/metrics", inputTokens("s1", START, minute(1), 150));
            assertThat(n.totals().tokens().input()).isEqualTo(150);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    @Timeout(60)
    void aSeriesContinuesAfterARestartAndIsPricedOnItsIncrement(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        firstRun(config);
        try (CollectorNode n = new CollectorNode(config)) {
            n.export("/v1/metrics", inputTokens("s1", START, minute(2), 200));
            n.export("/v1/metrics", inputTokens("s1", START, minute(1), 150)); // a late retry of the first run's export
            UsageRow t = n.totals();
            assertThat(t.tokens().input()).isEqualTo(200);
            assertThat(t.costNanos()).isEqualTo(200 * NANOS_PER_INPUT_TOKEN);
            assertThat(t.unpriced()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    @Timeout(60)
    void aNewStartTimeAfterARestartIsAResetAndCountsWhole(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        firstRun(config);
        try (CollectorNode n = new CollectorNode(config)) {
            n.export("/v1/metrics", inputTokens("s1", START, minute(2), 200));
            n.export("/v1/metrics", inputTokens("s1", minute(3), minute(4), 30)); // Claude Code restarted too
            n.export("/v1/metrics", inputTokens("s1", START, minute(2), 200)); // a late retry from its old run
            assertThat(n.totals().tokens().input()).isEqualTo(200 + 30);
        }
        try (CollectorNode n = new CollectorNode(config)) { // and the new run continues across the next restart
            n.export("/v1/metrics", inputTokens("s1", minute(3), minute(5), 70));
            assertThat(n.totals().tokens().input()).isEqualTo(200 + 70);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    @Timeout(60)
    void aLowerValueAfterARestartIsAResetAndCountsWhole(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        firstRun(config);
        try (CollectorNode n = new CollectorNode(config)) {
            n.export("/v1/metrics", inputTokens("s1", START, minute(2), 200));
            n.export("/v1/metrics", inputTokens("s1", START, minute(3), 20)); // the counter went back: a reset
            n.export("/v1/metrics", inputTokens("s1", START, minute(4), 45));
            assertThat(n.totals().tokens().input()).isEqualTo(200 + 45);
        }
        try (CollectorNode n = new CollectorNode(config)) {
            n.export("/v1/metrics", inputTokens("s1", START, minute(5), 60));
            assertThat(n.totals().tokens().input()).isEqualTo(200 + 60);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    @Timeout(60)
    void claudeCodesCostEstimateContinuesAfterARestartToo(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        try (CollectorNode n = new CollectorNode(config)) {
            n.export("/v1/metrics", estimatedCost("s1", START, minute(0), 0.10));
            n.export("/v1/metrics", estimatedCost("s1", START, minute(1), 0.15));
        }
        try (CollectorNode n = new CollectorNode(config)) {
            n.export("/v1/metrics", estimatedCost("s1", START, minute(2), 0.25));
            n.collector.flushActivity();
            assertThat(n.activity.totalsByPerson(CollectorNode.FAR_PAST, CollectorNode.FAR_FUTURE)
                    .get("bob@corp.com").get(Activity.Kind.ESTIMATED_COST_METRIC)).isEqualTo(250_000_000.0); // $0.25 in nanos
        }
    }

    @Test
    @Timeout(60)
    void twoCollectorsOnOnePostgresSchemaCountASeriesOnceWhicheverSeesItsPoints() throws Exception {
        String url = TestStores.freshSchemaUrl();
        try (CollectorNode a = new CollectorNode(StoreConfig.postgres(dir.resolve("a"), url));
             CollectorNode b = new CollectorNode(StoreConfig.postgres(dir.resolve("b"), url))) {
            a.export("/v1/metrics", inputTokens("s1", START, minute(0), 100));
            a.totals();
            b.export("/v1/metrics", inputTokens("s1", START, minute(1), 150));
            b.totals();
            a.export("/v1/metrics", inputTokens("s1", START, minute(2), 200));
            b.export("/v1/metrics", inputTokens("s1", START, minute(2), 200)); // the retry went to the other replica
            a.totals();
            assertThat(b.totals().tokens().input()).isEqualTo(200);

            // the same export reaching both at once, and the next one racing it
            String at3 = inputTokens("s1", START, minute(3), 260);
            String at4 = inputTokens("s1", START, minute(4), 300);
            CompletableFuture<Void> x = CompletableFuture.runAsync(() -> quietly(() -> a.export("/v1/metrics", at3)));
            CompletableFuture<Void> y = CompletableFuture.runAsync(() -> quietly(() -> b.export("/v1/metrics", at3)));
            CompletableFuture<Void> z = CompletableFuture.runAsync(() -> quietly(() -> b.export("/v1/metrics", at4)));
            CompletableFuture.allOf(x, y, z).join();
            a.totals();
            UsageRow t = b.totals();
            assertThat(t.tokens().input()).isEqualTo(300);
            assertThat(t.costNanos()).isEqualTo(300 * NANOS_PER_INPUT_TOKEN);
        }
    }

    @Test
    @Timeout(90)
    void aPointSpooledWhileThePostgresIsDownIsAppliedOnceByTheNextRun() throws Exception {
        String url = TestStores.freshSchemaUrl();
        URI uri = URI.create(url);
        try (TcpProxy proxy = new TcpProxy(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432)) {
            StoreConfig config = StoreConfig.postgres(dir, url.replace(uri.getHost() + ":" + uri.getPort(), "127.0.0.1:" + proxy.port()));
            try (CollectorNode n = new CollectorNode(config)) {
                n.export("/v1/metrics", inputTokens("s1", START, minute(0), 100));
                assertThat(n.totals().tokens().input()).isEqualTo(100);
                proxy.down();
                n.export("/v1/metrics", inputTokens("s1", START, minute(1), 150)); // accepted into the spool only
            } // stops with the store away: the point stays in the spool, as after a kill -9
            proxy.up();
            try (CollectorNode n = new CollectorNode(config)) { // replays the spool
                n.export("/v1/metrics", inputTokens("s1", START, minute(2), 200));
                assertThat(n.totals().tokens().input()).isEqualTo(200);
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step s) {
        try {
            s.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
