package tally.gateway;

import tally.TestJvm;
import tally.cli.Main;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One {@code tally serve} process of a fleet on a shared PostgreSQL, with its own data directory (spool). */
final class Replica implements AutoCloseable {
    final Path data;
    final List<String> args;
    Process process;
    String base;

    private Replica(Path data, List<String> args) {
        this.data = data;
        this.args = args;
    }

    /** Starts {@code n} replicas at once and waits until each serves. */
    static List<Replica> fleet(int n, Path dir, String db, String upstream, String... extra) throws Exception {
        List<Replica> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--data", dir.resolve("r" + i).toString(),
                    "--db", db, "--upstream", upstream, "--tz", "UTC"));
            args.addAll(List.of(extra));
            Replica r = new Replica(dir.resolve("r" + i), args);
            r.launch();
            out.add(r);
        }
        for (Replica r : out) r.awaitServing();
        return out;
    }

    void launch() throws Exception {
        List<String> cmd = TestJvm.command(data, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), Main.class);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TALLY_UPSTREAM_KEY", "sk-ant-server-key");
        process = pb.start();
    }

    /** Waits for the serving line, then keeps draining the output so the server never blocks on it. */
    void awaitServing() throws Exception {
        base = TestJvm.servingUrl(process);
    }

    /** kill -9 of the JVM itself. */
    void kill() throws Exception {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A rolling restart's step: the same data directory (its spool is replayed) and flags. */
    void restart() throws Exception {
        launch();
        awaitServing();
    }

    @Override
    public void close() throws Exception {
        if (process == null || !process.isAlive()) return;
        process.destroy(); // SIGTERM: drains
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
