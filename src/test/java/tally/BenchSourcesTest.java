package tally;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench/run} compiles the benchmarks against the product's jar before it measures anything: a
 * change to the product that breaks one of them must fail here, not in the next person's bench run.
 * Compiled against the test classpath (the product's classes and libraries, the test libraries too).
 */
class BenchSourcesTest {
    @TempDir Path out;

    @Test
    void everyBenchmarkCompilesAgainstTheProduct() throws IOException {
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-proc:none", "-Xlint:-path",
                "-classpath", System.getProperty("java.class.path")));
        try (Stream<Path> files = Files.list(Path.of("bench", "src"))) { // Maven runs the tests in the repository's root
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> args.add(f.toString()));
        }
        assertThat(args).anyMatch(a -> a.endsWith("GatewayBench.java")).anyMatch(a -> a.endsWith("VertxBareProxy.java"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertThat(exit).as("javac over bench/src:%n%s", errors).isZero();
    }
}
