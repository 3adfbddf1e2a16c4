package tally;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A fresh {@code git clone} of this repository, alone in an empty folder, has everything the tests
 * read: nothing lives only in the working tree (uncommitted, ignored) or in a sibling folder. Skipped
 * only where there is no git or no git checkout (a source tarball). No build runs in the clone.
 */
class SelfContainedRepositoryTest {
    private static final Pattern FIXTURE_PATH = Pattern.compile("(?:FIXTURES|CLAUDE_CODE)\\.resolve\\(\"([^\"]+)\"\\)");
    /** Spelled in pieces so that this file does not name them itself. */
    private static final List<String> OUTSIDE = List.of(".." + "/shared", "/work" + "/shared");

    @TempDir static Path empty;
    static Path clone;

    @BeforeAll
    static void cloneTheRepository() throws Exception {
        Path here = Path.of("").toAbsolutePath(); // Maven runs the tests in the repository's root
        assumeTrue(git(here, "--version") == 0, "git is not installed");
        assumeTrue(git(here, "rev-parse", "--is-inside-work-tree") == 0, "not a git checkout (a source tarball?)");
        clone = empty.resolve("tally");
        assertThat(git(empty, "clone", "--quiet", here.toString(), clone.toString())).as("git clone").isZero();
        try (Stream<Path> beside = Files.list(empty)) {
            assertThat(beside.toList()).as("the clone has no sibling folders").containsExactly(clone);
        }
    }

    @Test
    void theFixturesTheTestsReadAreInTheClone() throws Exception {
        Path testClasses = Path.of(Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path fixture = testClasses.relativize(Fixtures.CLAUDE_CODE);
        assertThat(fixture.toString()).as("tally.Fixtures resolves inside the test classpath").doesNotStartWith("..");
        Path resources = clone.resolve("src/test/resources");
        assertThat(resources.resolve(fixture)).as("tally.Fixtures in the clone's src/test/resources").isDirectory();

        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Fixtures.CLAUDE_CODE)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                Path inClone = resources.resolve(testClasses.relativize(f).toString());
                if (!Files.isRegularFile(inClone) || isLfsPointer(inClone)) missing.add(testClasses.relativize(f).toString());
            });
        }
        assertThat(missing).as("fixture files the tests read that a clone lacks (commit them; not ignored, not LFS)").isEmpty();
    }

    @Test
    void everyFixturePathNamedInTheTestsExistsInTheClone() throws IOException {
        Path fixtures = clone.resolve("src/test/resources").resolve(fixtureDir());
        List<String> missing = new ArrayList<>();
        for (Path source : sources(clone.resolve("src/test/java"), clone.resolve("bench"))) {
            Matcher m = FIXTURE_PATH.matcher(read(source));
            while (m.find()) {
                if (!Files.exists(fixtures.resolve(m.group(1)))) missing.add(clone.relativize(source) + ": " + m.group(1));
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void noTestBenchOrScriptReachesOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> sources = sources(clone.resolve("src"), clone.resolve("bench"), clone.resolve(".ci"), clone.resolve("deploy"));
        for (String script : List.of("test", "tally", "pom.xml")) sources.add(clone.resolve(script));
        for (Path source : sources) {
            if (source.startsWith(clone.resolve("src/test/resources/fixtures"))) continue; // captured data, not code
            String[] lines = read(source).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (String outside : OUTSIDE) {
                    if (lines[i].contains(outside)) found.add(clone.relativize(source) + ":" + (i + 1) + ": " + lines[i].trim());
                }
            }
        }
        assertThat(found).as("references to folders outside the repository").isEmpty();
    }

    private static Path fixtureDir() {
        try {
            Path testClasses = Path.of(Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return testClasses.relativize(Fixtures.CLAUDE_CODE);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> sources(Path... roots) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) continue;
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).forEach(all::add);
            }
        }
        return all;
    }

    /** A text file's content; a binary file reads as empty (it cannot name a path we look for). */
    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException binary) {
            return "";
        }
    }

    private static boolean isLfsPointer(Path file) {
        try {
            return Files.size(file) < 1024 && read(file).startsWith("version https://git-lfs");
        } catch (IOException e) {
            return true;
        }
    }

    private static int git(Path dir, String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException noGit) {
            return -1;
        }
    }
}
