package tally.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./tally}, the launcher users run, on each kind of JVM it may be given: a reading command prints
 * exactly what the same command prints in-process and nothing on stderr (no JVM warning), and the start-up
 * cache of that JVM is made and used: JDK 17's class-data archive, or a JDK 25's AOT cache. The real
 * script runs in a throwaway copy of the repository's layout: the script, and a target/tally.jar of the
 * compiled classes (and, like the fat jar, DuckDB's library for this machine) whose manifest names the
 * dependency jars, so nothing is built.
 */
class LauncherTest {
    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
    /** Reading commands over a closed month, so that both runs of each print the same (no pace projection). */
    private static final List<List<String>> READING = List.of(List.of("report", "--from", "2025-06-01", "--to", "2025-06-30"),
            List.of("report", "--from", "2025-06-01", "--to", "2025-06-30", "--by", "model", "--format", "json"),
            List.of("blocks"));

    @TempDir static Path repo;
    static Path data;

    @BeforeAll
    static void layOutTheRepository() throws IOException {
        Path script = Files.copy(Path.of("tally"), repo.resolve("tally")); // Maven runs tests in the repository's root
        assertThat(script.toFile().setExecutable(true)).isTrue();
        writeJar(Files.createDirectories(repo.resolve("target")).resolve("tally.jar"));
        data = repo.resolve("data");
        for (String day : List.of("11", "12")) {
            assertThat(Cli.run("--data", data.toString(), "record", "--user", "alice", "--model", "claude-sonnet-4-5",
                    "--input", "1200", "--output", "300", "--id", "r" + day, "--at", "2025-06-" + day + "T10:00:00Z").code()).isZero();
        }
    }

    @Test
    void onJdk17ItAnswersAsInProcessFromTheClassDataArchive() throws Exception {
        Optional<Path> jdk17 = thisJvm().filter(java -> major(java) < 25);
        assumeTrue(jdk17.isPresent(), "the tests run on a JDK >= 25: no older JDK to run the launcher on");
        answersAsInProcess(jdk17.get());
        assertThat(cacheDir().resolve("tally.jsa")).as("JDK 17's class-data archive").isRegularFile();
    }

    @Test
    void onJdk25ItAnswersAsInProcessFromAnAotCache() throws Exception {
        Optional<Path> jdk25 = thisJvm().filter(java -> major(java) >= 25).or(LauncherTest::installedJdk25);
        assumeTrue(jdk25.isPresent(), "no JDK >= 25 here (neither this JVM nor under /usr/lib/jvm)");
        answersAsInProcess(jdk25.get());
        try (Stream<Path> target = Files.list(cacheDir())) {
            assertThat(target.map(f -> f.getFileName().toString())).as("the JDK's AOT cache")
                    .anyMatch(name -> name.matches("tally-jdk" + major(jdk25.get()) + "[.0-9]*\\.aot"));
        }
    }

    @Test
    void besideARunningServerItAnswersAsInProcessAndMapsASecondArchiveOfTheClassesThatCallTheServer() throws Exception {
        Optional<Path> jdk17 = thisJvm().filter(java -> major(java) < 25);
        assumeTrue(jdk17.isPresent(), "the tests run on a JDK >= 25: no older JDK to run the launcher on");
        Path owned = repo.resolve("owned");
        assertThat(Cli.run("--data", owned.toString(), "record", "--user", "bob", "--model", "claude-sonnet-4-5",
                "--input", "900", "--output", "90", "--id", "b1", "--at", "2025-06-11T10:00:00Z").code()).isZero();
        List<String> args = List.of("--data", owned.toString(), "--tz", "UTC", "report", "--from", "2025-06-01", "--to", "2025-06-30");
        try (BesideServer server = BesideServer.start(owned)) {
            Cli.Result expected = Cli.run(args.toArray(String[]::new));
            for (int run = 0; run < 2; run++) { // the first records the second archive, the next maps it
                Run r = launch(jdk17.get(), args, "");
                assertThat(r.err).as("stderr, run " + run).isEmpty();
                assertThat(r.code).isZero();
                assertThat(r.out).as("run " + run).isEqualTo(expected.out()).contains("bob");
            }
            assertThat(server.calls(tally.app.Ops.REPORT)).as("the launched commands asked the server").isEqualTo(3);
            Path log = repo.resolve("classes-beside-server.log");
            launch(jdk17.get(), args, "-Xlog:class+load=info:file=" + log);
            assertThat(Files.readAllLines(log)).as("the HTTP client from the second archive")
                    .anyMatch(line -> line.contains(" sun.net.www.protocol.http.HttpURLConnection source: shared objects file (top)"));
        }
    }

    @Test
    void unpacksDuckDbsLibraryForThisMachineBesideACopyOfTheJarWithoutThem() throws Exception {
        String entry = nativeEntry();
        assumeTrue(entry != null, "DuckDB's driver has no library for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        Run run = launch(thisJvm().orElseThrow(), List.of("--version"), "");
        assertThat(run.code).isZero();
        Path cli = repo.resolve("target/cli");
        assertThat(cli.resolve("ready")).as("the launcher's copy for this machine").isRegularFile();
        assertThat(Files.size(cli.resolve("libduckdb_java.so"))).isEqualTo(nativeBytes(entry).length);
        try (java.util.jar.JarFile copy = new java.util.jar.JarFile(cli.resolve("tally.jar").toFile())) {
            assertThat(copy.getEntry(entry)).as("the libraries left out of the copy").isNull();
            assertThat(copy.getEntry("tally/cli/Main.class")).isNotNull();
        }
    }

    /** Where the launcher keeps a JVM's start-up cache: beside the jar it runs, its copy for this machine if it made one. */
    private static Path cacheDir() {
        Path cli = repo.resolve("target/cli");
        return Files.isRegularFile(cli.resolve("ready")) ? cli : repo.resolve("target");
    }

    /** The entry of DuckDB's driver jar holding this machine's library, or null where the launcher has none. */
    private static String nativeEntry() {
        if (!System.getProperty("os.name").equals("Linux")) return null;
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "libduckdb_java.so_linux_amd64";
            case "aarch64" -> "libduckdb_java.so_linux_arm64";
            default -> null;
        };
    }

    private static byte[] nativeBytes(String entry) throws IOException {
        try (var in = org.duckdb.DuckDBDriver.class.getResourceAsStream("/" + entry)) {
            assertThat(in).as(entry + " in DuckDB's driver").isNotNull();
            return in.readAllBytes();
        }
    }

    /** Every reading command through ./tally on JAVA prints what it prints in-process, and stderr stays empty. */
    private static void answersAsInProcess(Path java) throws Exception {
        for (List<String> command : READING) {
            List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--tz", "UTC"));
            args.addAll(command);
            Cli.Result expected = Cli.run(args.toArray(String[]::new));
            Run run = launch(java, args, "");
            assertThat(run.err).as("stderr of tally " + command + " on " + java).isEmpty();
            assertThat(run.code).as("exit code of tally " + command).isEqualTo(expected.code()).isZero();
            assertThat(run.out).as("tally " + command + " on " + java).isEqualTo(expected.out());
        }
        // the start-up cache is used, not just made: the main class comes out of it
        Path log = repo.resolve("classes-" + major(java) + ".log");
        launch(java, List.of("--data", data.toString(), "report"), "-Xlog:class+load=info:file=" + log);
        assertThat(Files.readAllLines(log)).as("class loading on " + java)
                .anyMatch(line -> line.contains(" tally.cli.Main source: shared objects file"));
    }

    private record Run(int code, String out, String err) {}

    private static Run launch(Path java, List<String> args, String javaOpts) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("tally").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        Map<String, String> env = pb.environment();
        env.put("TALLY_JAVA", java.toString());
        env.put("TALLY_JAVA_OPTS", javaOpts);
        Path out = repo.resolve("out.txt");
        Path err = repo.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close(); // no input
        assertThat(p.waitFor(25, TimeUnit.SECONDS)).as("tally " + args + " finished on " + java).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The compiled classes in a jar whose manifest starts tally.cli.Main with the dependency jars. */
    private static void writeJar(Path jar) throws IOException {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> dependencies = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) dependencies.add(Path.of(entry).toUri().toString());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", dependencies));
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            String entry = nativeEntry(); // as the fat jar holds it: the launcher unpacks it beside a copy without it
            if (entry != null) {
                out.putNextEntry(new JarEntry(entry));
                out.write(nativeBytes(entry));
                out.closeEntry();
            }
        }
    }

    private static Optional<Path> thisJvm() {
        return ProcessHandle.current().info().command().map(Path::of);
    }

    /** The newest JDK >= 25 where Debian's and Temurin's packages install one. */
    private static Optional<Path> installedJdk25() {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) return Optional.empty();
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.map(home -> home.resolve("bin/java")).filter(Files::isExecutable)
                    .filter(java -> major(java) >= 25).max(Comparator.comparingInt(LauncherTest::major));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A JDK's feature version from its release file (0 when unknown), as the launcher reads it. */
    private static int major(Path java) {
        try {
            Path home = java.toRealPath().getParent().getParent();
            Matcher m = RELEASE_VERSION.matcher(Files.readString(home.resolve("release"), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
