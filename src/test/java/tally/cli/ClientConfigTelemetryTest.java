package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Ids;
import tally.store.ActivityLog;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ClientConfigTelemetryTest {
    @TempDir Path dir;

    @Test
    void theSettingsBlockAlsoSendsTelemetryToTheSameUrlWithATokenThatNamesTheDeveloper() throws Exception {
        Cli.Result r = Cli.run("client-config", "--user", "alice", "--team", "platform", "--pass-through",
                "--url", "http://tally.internal:4318/", "--data", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode env = new ObjectMapper().readTree(r.out()).get("env");
        assertThat(env.get("ANTHROPIC_BASE_URL").asText()).isEqualTo("http://tally.internal:4318");
        assertThat(env.get("CLAUDE_CODE_ENABLE_TELEMETRY").asText()).isEqualTo("1");
        assertThat(env.get("OTEL_METRICS_EXPORTER").asText()).isEqualTo("otlp");
        assertThat(env.get("OTEL_LOGS_EXPORTER").asText()).isEqualTo("otlp");
        assertThat(env.get("OTEL_EXPORTER_OTLP_PROTOCOL").asText()).isEqualTo("http/protobuf");
        assertThat(env.get("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).isEqualTo("http://tally.internal:4318");
        String header = env.get("OTEL_EXPORTER_OTLP_HEADERS").asText();
        assertThat(header).startsWith("Authorization=Bearer tly_ot_");
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            assertThat(new ActivityLog(store).tokens())
                    .containsEntry(Ids.sha256(header.substring("Authorization=Bearer ".length())), "alice");
        }
        assertThat(Cli.run("client-config", "--user", "bob", "--pass-through", "--no-telemetry", "--data", dir.toString()).out())
                .doesNotContain("OTEL_");
    }
}
