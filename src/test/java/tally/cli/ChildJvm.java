package tally.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A main class run to its end in a JVM of its own, in a folder, with no TALLY_ variables: as a user's shell would. */
final class ChildJvm {
    /** How it ended: its exit code and everything it printed (stdout and stderr, interleaved). */
    record Finished(int code, String output) {}

    private ChildJvm() {}

    static Finished run(Path folder, Class<?> main, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(folder.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("TALLY_"));
        Path log = Files.createTempFile("child-jvm", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(25, TimeUnit.SECONDS)).as(main.getSimpleName() + " finished").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Finished(p.exitValue(), output);
    }
}
