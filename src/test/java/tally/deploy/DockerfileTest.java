package tally.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.server.Health;
import tally.server.TallyServer;
import tally.store.Store;
import tally.store.StoreConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/Dockerfile, read as instructions (no Docker engine here to build it): a Maven stage makes
 * target/tally.jar, a slim JRE 17+ stage runs it as a non-root user, probes /healthz, serves 4318.
 */
class DockerfileTest {
    private static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
            "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    private static final Pattern JRE = Pattern.compile("eclipse-temurin:(17|21|25)(\\.[0-9.]+)?-jre(-[a-z0-9]+)?");

    record Instruction(String keyword, String args) {}

    /** Continuation lines joined, comments and blank lines dropped, as Docker's parser does. */
    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String raw : text.split("\n")) {
            String t = raw.strip();
            if (t.startsWith("#") || (t.isEmpty() && line.isEmpty())) continue;
            if (t.endsWith("\\")) {
                line.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            line.append(t);
            String full = line.toString().strip();
            line.setLength(0);
            if (full.isEmpty()) continue;
            String[] kv = full.split("\\s+", 2);
            out.add(new Instruction(kv[0], kv.length > 1 ? kv[1] : ""));
        }
        assertThat(line.toString()).as("a dangling continuation at the end").isBlank();
        return out;
    }

    private static List<Instruction> dockerfile() throws IOException {
        return parse(Deploy.text("Dockerfile"));
    }

    /** The instructions of the last stage: what the image is. */
    private static List<Instruction> finalStage(List<Instruction> all) {
        int last = 0;
        for (int i = 0; i < all.size(); i++) if (all.get(i).keyword().equals("FROM")) last = i;
        return all.subList(last, all.size());
    }

    private static List<String> execForm(String args) throws IOException {
        JsonNode n = new ObjectMapper().readTree(args);
        assertThat(n.isArray()).as("exec form (a JSON array): " + args).isTrue();
        return Deploy.strings(n);
    }

    @Test
    void everyInstructionIsOneDockerKnowsInUpperCase() throws IOException {
        List<Instruction> all = dockerfile();
        assertThat(all).isNotEmpty();
        assertThat(all.get(0).keyword()).isEqualTo("FROM");
        assertThat(all).allSatisfy(i -> assertThat(INSTRUCTIONS).as(i.toString()).contains(i.keyword()));
    }

    @Test
    void aMavenStageBuildsTheFatJarFromFilesThatExist() throws IOException {
        List<Instruction> all = dockerfile();
        Instruction from = all.get(0);
        assertThat(from.args()).matches("maven:\\S+ AS build");
        List<Instruction> build = all.subList(0, all.indexOf(finalStage(all).get(0)));
        assertThat(build).anySatisfy(i -> assertThat(i.args()).contains("mvn").contains("package"));
        for (Instruction i : build) {
            if (!i.keyword().equals("COPY")) continue;
            String[] parts = i.args().split("\\s+");
            for (int p = 0; p < parts.length - 1; p++) {
                assertThat(Path.of(parts[p])).as("COPY source " + parts[p] + " in the build context (the repository)").exists();
            }
        }
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>tally</finalName>");
        assertThat(Deploy.text("Dockerfile.dockerignore")).contains("!pom.xml", "!src/");
    }

    @Test
    void theImageIsASlimJreRunningTheJarAsANonRootUser() throws IOException {
        List<Instruction> image = finalStage(dockerfile());
        String base = image.get(0).args();
        assertThat(JRE.matcher(base).matches()).as("a JRE 17+ base, not a JDK: " + base).isTrue();
        assertThat(image).contains(new Instruction("COPY", "--from=build /src/target/tally.jar /opt/tally/tally.jar"));

        List<Instruction> users = image.stream().filter(i -> i.keyword().equals("USER")).toList();
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).args().split(":")[0];
        assertThat(user).isNotIn("root", "0");
        int userAt = image.indexOf(users.get(users.size() - 1));
        int entryAt = image.indexOf(image.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst().orElseThrow());
        assertThat(userAt).as("USER before ENTRYPOINT").isLessThan(entryAt);

        assertThat(execForm(image.get(entryAt).args())).containsSubsequence("java", "-jar", "/opt/tally/tally.jar");
        List<String> cmd = execForm(image.stream().filter(i -> i.keyword().equals("CMD")).findFirst().orElseThrow().args());
        Deploy.serve(cmd);
        assertThat(Deploy.option(cmd, "--host")).isEqualTo("0.0.0.0");
    }

    @Test
    void itExposesTheServePortAndProbesHealthz() throws IOException {
        List<Instruction> image = finalStage(dockerfile());
        assertThat(image).contains(new Instruction("EXPOSE", "4318"), new Instruction("STOPSIGNAL", "SIGTERM"));
        Instruction health = image.stream().filter(i -> i.keyword().equals("HEALTHCHECK")).findFirst().orElseThrow();
        assertThat(health.args()).contains("CMD", "/healthz", "127.0.0.1/4318", " 200 ");
        String probe = health.args().substring(health.args().indexOf("CMD") + 3).strip();
        assertThat(execForm(probe)).startsWith("bash", "-c");
    }

    @Test
    void theHealthProbeSucceedsAgainstAServerAnsweringHealthzAndFailsWithoutOne(@TempDir Path dir) throws Exception {
        Instruction health = finalStage(dockerfile()).stream().filter(i -> i.keyword().equals("HEALTHCHECK")).findFirst().orElseThrow();
        List<String> probe = execForm(health.args().substring(health.args().indexOf("CMD") + 3).strip());
        Vertx vertx = Vertx.vertx();
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            TallyServer server = TallyServer.start(vertx, "127.0.0.1", 0,
                    List.of(new Health(vertx, store, store.config().spoolDir())::mount));
            int port = server.port();
            assertThat(run(probe, port)).as("against /healthz").isZero();
            server.close();
            assertThat(run(probe, port)).as("nothing listening").isNotZero();
        } finally {
            vertx.close();
        }
    }

    /** Runs the image's probe with bash here, aimed at a port of this machine instead of 4318. */
    private static int run(List<String> probe, int port) throws Exception {
        List<String> cmd = new ArrayList<>(probe);
        cmd.set(cmd.size() - 1, cmd.get(cmd.size() - 1).replace("127.0.0.1/4318", "127.0.0.1/" + port));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        p.getInputStream().readAllBytes();
        return p.exitValue();
    }
}
