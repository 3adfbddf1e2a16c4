package tally.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** deploy/systemd/tally.service: a hardened unit that runs `tally serve` and lets it drain on stop. */
class SystemdUnitTest {
    private static final String UNIT = "systemd/tally.service";

    /** Section → key → values (a key may repeat), as systemd reads a unit file. */
    static Map<String, Map<String, List<String>>> parse(String text) {
        Map<String, Map<String, List<String>>> unit = new LinkedHashMap<>();
        Map<String, List<String>> section = null;
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String t = raw.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) continue;
            if (t.startsWith("[")) {
                assertThat(t).as("line " + n).matches("\\[[A-Za-z]+]");
                section = unit.computeIfAbsent(t.substring(1, t.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            assertThat(section).as("line " + n + " before any section").isNotNull();
            int eq = t.indexOf('=');
            assertThat(eq).as("line " + n + " is Key=value: " + t).isPositive();
            section.computeIfAbsent(t.substring(0, eq).strip(), k -> new ArrayList<>()).add(t.substring(eq + 1).strip());
        }
        return unit;
    }

    private static String one(Map<String, List<String>> section, String key) {
        List<String> v = section.get(key);
        assertThat(v).as(key).isNotNull().hasSize(1);
        return v.get(0);
    }

    @Test
    void itRunsTallyServeAsItsOwnUserAndRestartsOnFailure() throws IOException {
        Map<String, Map<String, List<String>>> unit = parse(Deploy.text(UNIT));
        assertThat(unit).containsOnlyKeys("Unit", "Service", "Install");
        Map<String, List<String>> service = unit.get("Service");

        List<String> exec = Arrays.asList(one(service, "ExecStart").split("\\s+"));
        assertThat(exec.get(0)).startsWith("/");
        int jar = exec.indexOf("-jar");
        assertThat(exec.get(jar + 1)).endsWith("/tally.jar");
        List<String> args = exec.subList(jar + 2, exec.size());
        Deploy.serve(args);
        assertThat(Deploy.option(args, "--retention")).isEqualTo("400d");

        assertThat(one(service, "User")).isNotIn("root", "0");
        assertThat(one(service, "Restart")).isIn("on-failure", "always");
        assertThat(one(service, "EnvironmentFile")).endsWith("/etc/tally/tally.env");
        assertThat(one(service, "StateDirectory")).isEqualTo("tally");
        assertThat(one(service, "StateDirectoryMode")).isEqualTo("0700");
        assertThat(one(unit.get("Install"), "WantedBy")).isEqualTo("multi-user.target");
    }

    @Test
    void stoppingSendsSigtermAndWaitsLongerThanTheDrain() throws IOException {
        Map<String, List<String>> service = parse(Deploy.text(UNIT)).get("Service");
        List<String> exec = Arrays.asList(one(service, "ExecStart").split("\\s+"));
        String drain = Deploy.option(exec, "--drain-timeout");

        assertThat(one(service, "KillSignal")).isEqualTo("SIGTERM");
        assertThat(Deploy.seconds(one(service, "TimeoutStopSec"))).isGreaterThan(Deploy.seconds(drain == null ? "60s" : drain));
        assertThat(one(service, "SuccessExitStatus")).contains("143"); // the JVM's exit after a handled SIGTERM
    }

    @Test
    void itIsHardened() throws IOException {
        Map<String, List<String>> service = parse(Deploy.text(UNIT)).get("Service");
        assertThat(one(service, "NoNewPrivileges")).isEqualTo("yes");
        assertThat(one(service, "ProtectSystem")).isEqualTo("strict");
        assertThat(one(service, "ProtectHome")).isEqualTo("yes");
        assertThat(one(service, "PrivateTmp")).isEqualTo("yes");
        assertThat(one(service, "CapabilityBoundingSet")).isEmpty();
        assertThat(one(service, "UMask")).isEqualTo("0077");
        assertThat(service).doesNotContainKey("MemoryDenyWriteExecute"); // the JIT writes code
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWarning(@TempDir Path dir) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed here");
        String text = Deploy.text(UNIT);
        String java = ProcessHandle.current().info().command().orElse("/usr/bin/java");
        if (!Files.isExecutable(Path.of("/usr/bin/java"))) text = text.replace("/usr/bin/java ", java + " ");
        Path copy = Files.writeString(dir.resolve("tally.service"), text);

        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        // verify exits 0 on unknown keys and bad values, but names them: none may be about this unit.
        assertThat(out.lines().filter(l -> l.contains("tally.service"))).as(out).isEmpty();
    }
}
