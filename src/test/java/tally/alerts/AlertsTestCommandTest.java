package tally.alerts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tally alerts test CHANNEL}: a sample reaches the channel, or one line says why not. */
class AlertsTestCommandTest {
    @TempDir Path dir;

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void aSampleGoesToTheNamedWebhookSigned() throws Exception {
        try (Receiver hook = new Receiver()) {
            Path file = dir.resolve("alerts.json");
            Files.writeString(file, "{\"channels\":{\"ops\":{\"type\":\"webhook\",\"url\":\"" + hook.url()
                    + "\",\"secret\":\"k\"}}}");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = run(out, err, "alerts", "test", "ops", "--alerts", file.toString(), "--data", dir.toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(hook.requests).hasSize(1);
            assertThat(hook.requests.get(0).header("X-Tally-Signature")).startsWith("sha256=");
        }
    }

    @Test
    void anUnknownChannelOrAFailingOneIsOneLineAndExitTwo() throws Exception {
        try (Receiver hook = new Receiver()) {
            hook.answer(404);
            Path file = dir.resolve("alerts.json");
            Files.writeString(file, "{\"channels\":{\"ops\":{\"type\":\"webhook\",\"url\":\"" + hook.url() + "\"}}}");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(run(out, err, "alerts", "test", "nowhere", "--alerts", file.toString(), "--data", dir.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("nowhere").doesNotContain("\tat ");
            StringWriter err2 = new StringWriter();
            assertThat(run(new StringWriter(), err2, "alerts", "test", "ops", "--alerts", file.toString(), "--data", dir.toString())).isEqualTo(2);
            assertThat(err2.toString().trim().lines().count()).isEqualTo(1);
        }
    }
}
