package tally.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's own decisions, with stand-ins for Maven and the JVM (scripts that log how they were
 * called): it rebuilds when a source is newer than the jar and only then, finds java on PATH behind a
 * link and keeps that JDK's home, and gives short commands their flags. No JVM starts here.
 */
class LauncherScriptTest {
    @TempDir Path repo;
    private Path jar;
    private Path home;
    private Path tools;

    @BeforeEach
    void layOut() throws IOException {
        Path script = Files.copy(Path.of("tally"), repo.resolve("tally"));
        assertThat(script.toFile().setExecutable(true)).isTrue();
        Path source = Files.createDirectories(repo.resolve("src/main/java/tally")).resolve("A.java");
        Files.writeString(source, "class A {}");
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        jar = Files.createDirectories(repo.resolve("target")).resolve("tally.jar");
        Files.writeString(jar, "not a zip: the launcher keeps no copy of it and runs it as it is");
        age(source, 60);
        age(repo.resolve("pom.xml"), 60);
        age(repo.resolve("src/main/java/tally"), 60);
        age(repo.resolve("src/main/java"), 60);
        age(repo.resolve("src/main"), 60);
        home = repo.resolve("jdk");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"17.0.9\"\n");
        // the stand-in JVM: writes the archives it is asked to make (empty), prints each argument on a line when it
        // runs a command, and says nothing when it trains
        executable(home.resolve("bin/java"), """
                #!/bin/sh
                dump=; for a in "$@"; do [ "$a" = -Xshare:dump ] && dump=1; done
                for a in "$@"; do case $a in
                  -XX:SharedArchiveFile=*) if [ -n "$dump" ]; then : > "${a#-XX:SharedArchiveFile=}"; fi ;;
                  -XX:ArchiveClassesAtExit=*) : > "${a#-XX:ArchiveClassesAtExit=}" ;;
                esac; done
                case "$*" in *tally.cli.Main*) printf '%s\\n' "$@" "DUCKDB_JE_MALLOC_CONF=${DUCKDB_JE_MALLOC_CONF:-}" ;; esac
                """);
        tools = Files.createDirectories(repo.resolve("tools"));
        executable(tools.resolve("mvn"), "#!/bin/sh\necho built >> " + repo.resolve("mvn.log") + "\ntouch " + jar + "\n");
    }

    @Test
    void runsTheJarAsItIsWhenNoSourceIsNewer() throws Exception {
        List<String> args = launch(Map.of("TALLY_JAVA", home.resolve("bin/java").toString()), "report");
        assertThat(repo.resolve("mvn.log")).doesNotExist();
        assertThat(args).containsSubsequence("-cp", jar.toString(), "tally.cli.Main", "report");
    }

    @Test
    void rebuildsWhenASourceIsNewerThanTheJar() throws Exception {
        Files.writeString(repo.resolve("src/main/java/tally/A.java"), "class A { int edited; }");
        launch(Map.of("TALLY_JAVA", home.resolve("bin/java").toString()), "report");
        assertThat(Files.readAllLines(repo.resolve("mvn.log"))).containsExactly("built");
        launch(Map.of("TALLY_JAVA", home.resolve("bin/java").toString()), "report");
        assertThat(Files.readAllLines(repo.resolve("mvn.log"))).as("built once: the jar is newer now").containsExactly("built");
    }

    @Test
    void aQuietBuildPrintsNothingOfMavensAndAFailedOneShowsWhyWithoutItsColours() throws Exception {
        // Maven 3.8 prints colour resets even when quiet and in batch mode
        executable(tools.resolve("mvn"), "#!/bin/sh\nprintf '\\033[0m\\033[0m' >&2\ntouch " + jar + "\n");
        Files.writeString(repo.resolve("src/main/java/tally/A.java"), "class A { int edited; }");
        launch(Map.of("TALLY_JAVA", home.resolve("bin/java").toString()), "report");
        assertThat(Files.readString(repo.resolve("err.txt"))).isEqualTo("tally: building (first run or sources changed)…\n");

        executable(tools.resolve("mvn"), "#!/bin/sh\nprintf '\\033[1;31m[ERROR]\\033[0m A.java:[1,9] expected\\n'\nexit 1\n");
        Files.writeString(repo.resolve("src/main/java/tally/A.java"), "class A { int broken }");
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("tally").toString(), "report").directory(repo.toFile());
        pb.environment().put("PATH", tools + ":/usr/bin:/bin");
        Process p = pb.redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(said).endsWith("[ERROR] A.java:[1,9] expected\n").doesNotContain("\033");
    }

    @Test
    void rebuildsWhenASourceIsAddedOrThePomChanged() throws Exception {
        Files.writeString(repo.resolve("src/main/java/tally/B.java"), "class B {}");
        launch(Map.of("TALLY_JAVA", home.resolve("bin/java").toString()), "report");
        age(repo.resolve("src/main/java/tally/B.java"), 30);
        age(repo.resolve("src/main/java/tally"), 30);
        Files.writeString(repo.resolve("pom.xml"), "<project><!-- edited --></project>");
        launch(Map.of("TALLY_JAVA", home.resolve("bin/java").toString()), "report");
        assertThat(Files.readAllLines(repo.resolve("mvn.log"))).containsExactly("built", "built");
    }

    @Test
    void findsJavaOnThePathBehindALinkAndKeepsItsHome() throws Exception {
        Path bin = Files.createDirectories(repo.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), home.resolve("bin/java"));
        Map<String, String> env = Map.of("PATH", repo.resolve("nowhere") + ":" + bin + ":" + tools + ":/usr/bin:/bin");
        assertThat(launch(env, "totals")).contains("tally.cli.Main", "-XX:+UseSerialGC");
        Path kept = repo.resolve("target/java-home");
        assertThat(Files.readString(kept).strip()).isEqualTo(home.toRealPath().toString());

        Files.writeString(kept, repo.resolve("elsewhere") + "\n"); // a JDK that is no longer the one linked to
        assertThat(launch(env, "totals")).contains("tally.cli.Main");
        assertThat(Files.readString(kept).strip()).as("found again").isEqualTo(home.toRealPath().toString());
    }

    @Test
    void shortCommandsGoWithoutPerformanceDataAndServeKeepsIt() throws Exception {
        Map<String, String> env = Map.of("TALLY_JAVA", home.resolve("bin/java").toString());
        assertThat(launch(env, "report")).contains("-XX:-UsePerfData", "-XX:+UseSerialGC");
        assertThat(launch(env, "serve")).doesNotContain("-XX:-UsePerfData").contains("-XX:+UseParallelGC");
    }

    @Test
    void readingCommandsAskForHugePagesWhereLinuxGivesThemOnRequestAndImportAndServeNever() throws Exception {
        Map<String, String> env = Map.of("TALLY_JAVA", home.resolve("bin/java").toString());
        String hugePages = "-XX:+UseTransparentHugePages";
        Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean onRequest = System.getProperty("os.name").startsWith("Linux") && Files.isReadable(mode)
                && Files.readString(mode).contains("[madvise]");
        if (onRequest) assertThat(launch(env, "report")).contains(hugePages);
        else assertThat(launch(env, "report")).as("the kernel gives them always or never").doesNotContain(hugePages);
        assertThat(launch(env, "import", "claude-code")).contains("tally.cli.Main").doesNotContain(hugePages);
        assertThat(launch(env, "serve")).contains("tally.cli.Main").doesNotContain(hugePages);
    }

    @Test
    void anImportKeepsThePagesDuckDbFreesUnlessTheUserConfiguredItsAllocator() throws Exception {
        Map<String, String> env = Map.of("TALLY_JAVA", home.resolve("bin/java").toString());
        String keep = "DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1";
        assertThat(launch(env, "import", "claude-code")).contains(keep);
        assertThat(launch(env, "report")).contains("DUCKDB_JE_MALLOC_CONF=");
        assertThat(launch(env, "serve")).contains("DUCKDB_JE_MALLOC_CONF=");
        Map<String, String> own = Map.of("TALLY_JAVA", home.resolve("bin/java").toString(), "DUCKDB_JE_MALLOC_CONF", "narenas:1");
        assertThat(launch(own, "import", "claude-code")).contains("DUCKDB_JE_MALLOC_CONF=narenas:1").doesNotContain(keep);
    }

    @Test
    void besideARunningServerTheFirstCommandRecordsASecondArchiveAndTheNextOnesMapBoth() throws Exception {
        Map<String, String> env = Map.of("TALLY_JAVA", home.resolve("bin/java").toString());
        Path data = Files.createDirectories(repo.resolve("data"));
        Files.writeString(data.resolve("serve.json"), "{}");
        Path base = repo.resolve("target/tally.jsa");
        Path top = repo.resolve("target/tally-beside-server.jsa");

        List<String> first = launch(env, "--data", data.toString(), "report");
        assertThat(first).contains("-XX:SharedArchiveFile=" + base).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + top));
        assertThat(top).as("recorded as the first command exited").isRegularFile();

        assertThat(launch(env, "--data=" + data, "totals")).contains("-XX:SharedArchiveFile=" + base + ":" + top)
                .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
        Map<String, String> byEnv = Map.of("TALLY_JAVA", home.resolve("bin/java").toString(), "TALLY_DATA", data.toString());
        assertThat(launch(byEnv, "report")).as("the folder from $TALLY_DATA").contains("-XX:SharedArchiveFile=" + base + ":" + top);

        assertThat(launch(env, "--data", repo.resolve("alone").toString(), "report")).as("no server there")
                .contains("-XX:SharedArchiveFile=" + base).noneMatch(a -> a.contains(top.toString()));
        assertThat(launch(env, "--data", data.toString(), "serve")).as("serve itself")
                .noneMatch(a -> a.contains(top.toString()));
    }

    @Test
    void theSecondArchiveIsRemadeWhenTheFirstIs() throws Exception {
        Map<String, String> env = Map.of("TALLY_JAVA", home.resolve("bin/java").toString());
        Path data = Files.createDirectories(repo.resolve("data"));
        Files.writeString(data.resolve("serve.json"), "{}");
        launch(env, "--data", data.toString(), "report");
        Path top = repo.resolve("target/tally-beside-server.jsa");
        age(top, 10);
        Files.writeString(jar, "rebuilt"); // the first archive is older than the jar now: remade, and so the second
        assertThat(launch(env, "--data", data.toString(), "report"))
                .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + top));
    }

    /** Runs ./tally with this environment (JAVA_HOME, TALLY_* and DuckDB allocator settings cleared first); returns what the stand-in JVM was given. */
    private List<String> launch(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(repo.resolve("tally").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("TALLY_JAVA");
        pb.environment().remove("TALLY_JAVA_OPTS");
        pb.environment().remove("DUCKDB_JE_MALLOC_CONF");
        pb.environment().put("PATH", tools + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Path out = repo.resolve("out.txt");
        Path err = repo.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        assertThat(p.exitValue()).as("exit code; stderr: " + Files.readString(err)).isZero();
        return Files.readAllLines(out);
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }

    private static void age(Path file, int minutes) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(minutes * 60L)));
    }
}
