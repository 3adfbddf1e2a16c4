package tally.cli;

import tally.TestJvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A main class run to its end in a JVM of its own, in a folder, with no TALLY_ variables: as a user's shell would. */
final class ChildJvm {
    /** How it ended: its exit code and everything it printed (stdout and stderr, interleaved). */
    record Finished(int code, String output) {}

    private ChildJvm() {}

    static Finished run(Path folder, Class<?> main, List<String> args) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("child-jvm"); // its log and temp folder, not in the folder it runs in
        try {
            ProcessBuilder pb = new ProcessBuilder(TestJvm.command(scratch, List.of(), main, args.toArray(String[]::new)))
                    .directory(folder.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("TALLY_"));
            Path log = scratch.resolve("output.log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            boolean finished = p.waitFor(25, TimeUnit.SECONDS);
            if (!finished) p.destroyForcibly().waitFor();
            assertThat(finished).as(main.getSimpleName() + " finished").isTrue();
            return new Finished(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
            }
        }
    }
}
