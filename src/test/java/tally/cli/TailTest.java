package tally.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.TestJvm;
import tally.store.TestStores;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally tail} follows records as they land: started, then fed records, its output read back
 * within a bounded time. On PostgreSQL it reads the store; on an embedded store owned by a running
 * {@code tally serve} (a real process) it polls through the server.
 */
class TailTest {
    @TempDir Path dir;

    /** A tail running in this process on its own thread, printing to a buffer we can read while it runs. */
    private static final class Tail implements AutoCloseable {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Thread thread;

        Tail(String... args) {
            thread = new Thread(() -> Main.run(args, new PrintWriter(out), new PrintWriter(err)), "tail-under-test");
            thread.start();
        }

        String waitFor(Predicate<String> done, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < end) {
                String now = out.toString();
                if (done.test(now)) return now;
                Thread.sleep(50);
            }
            return out + "\n(stderr: " + err + ")";
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt(); // Ctrl-C, as far as a thread can have one
            thread.join(10_000);
            assertThat(thread.isAlive()).as("tail stops when interrupted").isFalse();
        }
    }

    private static Cli.Result record(List<String> store, String id, String user, String model, String at) {
        List<String> args = new ArrayList<>(List.of("record", "--user", user, "--model", model, "--input", "155",
                "--output", "200", "--id", id, "--at", at));
        args.addAll(store);
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        return r;
    }

    /** A fresh PostgreSQL schema, migrated before the tail and the writers start side by side. */
    private List<String> postgres() {
        List<String> store = List.of("--data", dir.toString(), "--db", TestStores.freshSchemaUrl());
        List<String> args = new ArrayList<>(List.of("totals"));
        args.addAll(store);
        assertThat(Cli.run(args.toArray(String[]::new)).code()).isZero();
        return store;
    }

    private static List<String> tailArgs(List<String> store, String... more) {
        List<String> args = new ArrayList<>(List.of("tail", "--interval", "200ms", "--tz", "UTC"));
        args.addAll(List.of(more));
        args.addAll(store);
        return args;
    }

    @Test
    void onPostgresqlTailPrintsNewRecordsAsTheyLandFilteredAndFromABitBack() throws Exception {
        List<String> store = postgres();
        record(store, "before", "alice", "claude-haiku-4-5", Instant.now().minus(Duration.ofMinutes(5)).toString());
        try (Tail tail = new Tail(tailArgs(store, "--since", "10m", "--user", "alice", "--model", "haiku").toArray(String[]::new))) {
            assertThat(tail.waitFor(o -> o.contains("$0.0012"), Duration.ofSeconds(10)))
                    .startsWith("Time ").contains("alice", "claude-haiku-4-5-20251001", "manual", "200");
            record(store, "bob-1", "bob", "claude-haiku-4-5", Instant.now().toString());           // filtered out
            record(store, "alice-opus", "alice", "claude-opus-4-5", Instant.now().toString());     // filtered out
            record(store, "alice-2", "alice", "claude-haiku-4-5", Instant.now().toString());
            String out = tail.waitFor(o -> o.lines().filter(l -> l.contains("alice")).count() == 2, Duration.ofSeconds(10));
            assertThat(out.lines().filter(l -> l.contains("alice"))).hasSize(2);
            assertThat(out).doesNotContain("bob", "opus");
        }
    }

    @Test
    void jsonLinesCarryTheRecordIdAndAreNeverPrintedTwice() throws Exception {
        List<String> store = postgres();
        try (Tail tail = new Tail(tailArgs(store, "--format", "jsonl").toArray(String[]::new))) {
            Thread.sleep(500);
            record(store, "late", "carol", "claude-haiku-4-5", Instant.now().minusSeconds(30).toString()); // stamped before the newest
            record(store, "new", "carol", "claude-haiku-4-5", Instant.now().toString());
            String out = tail.waitFor(o -> o.contains("\"id\":\"late\"") && o.contains("\"id\":\"new\""), Duration.ofSeconds(10));
            assertThat(out).contains("\"cost_usd\":\"0.001155\"", "\"cost_nanos\":1155000");
            Thread.sleep(800); // a few more polls
            assertThat(tail.out.toString().lines().filter(l -> l.contains("\"id\":\"new\""))).hasSize(1);
        }
    }

    @Test
    void tailFollowsRecordsAsTheyAreStoredWhateverTimeTheirSourceGaveThem() throws Exception {
        List<String> store = postgres();
        try (Tail tail = new Tail(tailArgs(store, "--format", "jsonl").toArray(String[]::new))) {
            Thread.sleep(500);
            record(store, "ahead", "erin", "claude-haiku-4-5", Instant.now().plus(Duration.ofMinutes(5)).toString()); // a fast clock
            tail.waitFor(o -> o.contains("\"id\":\"ahead\""), Duration.ofSeconds(10));
            record(store, "now", "erin", "claude-haiku-4-5", Instant.now().toString());
            record(store, "offline", "erin", "claude-haiku-4-5", Instant.now().minus(Duration.ofMinutes(10)).toString()); // sent late
            String out = tail.waitFor(o -> o.contains("\"id\":\"now\"") && o.contains("\"id\":\"offline\""), Duration.ofSeconds(10));
            assertThat(out).contains("\"id\":\"ahead\"", "\"id\":\"now\"", "\"id\":\"offline\"");
            Thread.sleep(800); // a few more polls
            assertThat(tail.out.toString().lines()).hasSize(3);
        }
    }

    @Test
    void onAnEmbeddedStoreOwnedByServeTailPollsThroughTheServer() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(TestJvm.command(dir, List.of(), Main.class,
                "serve", "--port", "0", "--data", dir.toString(), "--tz", "UTC")).redirectErrorStream(true);
        Process server = pb.start();
        try {
            TestJvm.servingUrl(server); // the server started
            List<String> store = List.of("--data", dir.toString());
            try (Tail tail = new Tail(tailArgs(store, "--source", "manual").toArray(String[]::new))) {
                Thread.sleep(500);
                record(store, "served-1", "dave", "claude-haiku-4-5", Instant.now().toString()); // runs inside the server too
                String out = tail.waitFor(o -> o.contains("dave"), Duration.ofSeconds(10));
                assertThat(out).contains("dave", "$0.0012");
                record(store, "served-2", "frank", "claude-haiku-4-5", Instant.now().minus(Duration.ofHours(1)).toString()); // an import, say
                assertThat(tail.waitFor(o -> o.contains("frank"), Duration.ofSeconds(10))).contains("frank");
            }
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }
}
