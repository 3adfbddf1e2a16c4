package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tally client-config --bedrock|--vertex}: Claude Code's cloud modes pointed at the gateway, with a Tally key. */
class CloudClientConfigTest {
    @TempDir Path dir;

    @Test
    void bedrock_mode_points_claude_code_at_the_gateways_bedrock_routes_with_the_key_as_its_bearer_token() throws Exception {
        Cli.Result r = Cli.run("client-config", "--user", "alice", "--bedrock", "--region", "eu-west-1", "--no-telemetry",
                "--url", "http://tally.internal:4318", "--data", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode env = new ObjectMapper().readTree(r.out()).get("env");
        assertThat(env.get("CLAUDE_CODE_USE_BEDROCK").asText()).isEqualTo("1");
        assertThat(env.get("ANTHROPIC_BEDROCK_BASE_URL").asText()).isEqualTo("http://tally.internal:4318/bedrock");
        assertThat(env.get("AWS_REGION").asText()).isEqualTo("eu-west-1");
        assertThat(env.get("CLAUDE_CODE_SKIP_BEDROCK_AUTH").asText()).isEqualTo("1");
        assertThat(env.get("AWS_BEARER_TOKEN_BEDROCK").asText()).startsWith("sk-tally-");
        assertThat(env.has("ANTHROPIC_BASE_URL")).isFalse();
        assertThat(env.has("ANTHROPIC_AUTH_TOKEN")).isFalse();
    }

    @Test
    void vertex_mode_uses_the_v1_base_url_claude_code_appends_projects_to_and_the_key_as_a_custom_header() throws Exception {
        Cli.Result r = Cli.run("client-config", "--user", "alice", "--vertex", "--project", "demo-project", "--no-telemetry",
                "--url", "http://tally.internal:4318", "--data", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode env = new ObjectMapper().readTree(r.out()).get("env");
        assertThat(env.get("CLAUDE_CODE_USE_VERTEX").asText()).isEqualTo("1");
        assertThat(env.get("ANTHROPIC_VERTEX_BASE_URL").asText()).isEqualTo("http://tally.internal:4318/vertex/v1");
        assertThat(env.get("CLOUD_ML_REGION").asText()).isEqualTo("us-east5");
        assertThat(env.get("ANTHROPIC_VERTEX_PROJECT_ID").asText()).isEqualTo("demo-project");
        assertThat(env.get("CLAUDE_CODE_SKIP_VERTEX_AUTH").asText()).isEqualTo("1");
        assertThat(env.get("ANTHROPIC_CUSTOM_HEADERS").asText()).startsWith("x-api-key: sk-tally-");
    }

    @Test
    void a_contradictory_choice_is_refused_before_any_key_is_issued() {
        Cli.Result both = Cli.run("client-config", "--user", "alice", "--bedrock", "--vertex", "--data", dir.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--bedrock and --vertex");
        Cli.Result noProject = Cli.run("client-config", "--user", "alice", "--vertex", "--data", dir.toString());
        assertThat(noProject.code()).isEqualTo(2);
        assertThat(noProject.err()).contains("--project");
        assertThat(dir.resolve("tally-data")).doesNotExist();
        assertThat(Cli.run("keys", "list", "--data", dir.toString()).out()).doesNotContain("alice");
    }
}
