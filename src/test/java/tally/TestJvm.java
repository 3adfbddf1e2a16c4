package tally;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM of its own for a test: a server it may kill -9, a writer that crashes, a command run as a shell would. */
public final class TestJvm {
    private TestJvm() {}

    /**
     * The command line that runs {@code main} on the test class path with {@code args}, {@code options}
     * given to the JVM. Its temp folder is one inside {@code folder} (the test's own):
     * DuckDB unpacks its 60 MB native library into the temp folder at every start and deletes it at exit,
     * so a JVM killed outright left one behind in the machine's temp folder at each such test.
     */
    public static List<String> command(Path folder, List<String> options, Class<?> main, String... args) {
        Path tmp = folder.resolve("jvm-tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The URL a {@code tally serve} started this way prints once it listens ("tally: serving on URL …");
     * its output is then drained, so the server never blocks writing it. A server that ends or never
     * says so is stopped, and the test fails with what it printed.
     */
    public static String servingUrl(Process server) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String prefix = "tally: serving on ";
        String url = null;
        StringBuilder said = new StringBuilder();
        for (String line; url == null && (line = lines.readLine()) != null; ) {
            said.append(line).append('\n');
            if (line.startsWith(prefix)) url = line.substring(prefix.length()).split(" ")[0];
        }
        if (url == null) server.destroyForcibly();
        assertThat(url).as("the server printed its URL; it said:\n%s", said).isNotNull();
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) { /* discard */ }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        return url;
    }
}
