package tally.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM flags {@code ./tally} gives {@code serve} (collector, young generation, metaspace threshold, Netty's allocator) are
 * the ones the systemd unit and the container image start the server with: each was measured for the
 * server, so a server started either way behaves like the one measured.
 */
class ServeFlagsTest {
    private static final Pattern SERVE = Pattern.compile("(?m)^serve=\\((.*)\\)$");

    static List<String> launcherServeFlags() throws IOException {
        Matcher m = SERVE.matcher(Files.readString(Path.of("tally")));
        assertThat(m.find()).as("the launcher's serve=(...) line").isTrue();
        return List.of(m.group(1).trim().split("\\s+"));
    }

    @Test
    void theSystemdUnitAndTheImageStartTheServerWithTheLaunchersFlags() throws IOException {
        List<String> flags = launcherServeFlags();
        assertThat(flags).contains("-XX:+UseParallelGC", "-Xmn128m", "-XX:MetaspaceSize=96m");
        String unit = Deploy.text("systemd/tally.service");
        String execStart = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        String entrypoint = Deploy.text("Dockerfile").lines().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        for (String flag : flags) {
            assertThat(List.of(execStart.split("\\s+"))).as("systemd ExecStart").contains(flag);
            assertThat(entrypoint).as("Dockerfile ENTRYPOINT").contains("\"" + flag + "\"");
        }
    }
}
