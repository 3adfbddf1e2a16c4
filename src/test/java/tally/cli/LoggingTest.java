package tally.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log records are one line each, the connection pool and driver quiet unless in trouble. (That a reading command
 * starts no log manager at all is {@link ReadingStartupTest}'s.)
 */
class LoggingTest {
    @Test
    void recordsAreOneLineAndThePoolSpeaksOnlyOfTrouble() throws Exception {
        List<String> lines = run();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d WARNING com.zaxxer.hikari.pool.HikariPool: pool trouble");
        assertThat(lines.get(1)).endsWith(" INFO tally.ingest.IngestWriter: spool replayed");
    }

    private static List<String> run() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), LogProbe.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
}
