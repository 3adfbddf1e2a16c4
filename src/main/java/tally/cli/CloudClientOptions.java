package tally.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * {@code tally client-config --bedrock|--vertex}: Claude Code's settings for its Bedrock or Vertex
 * mode through the gateway, with the developer's Tally credential where each mode carries it.
 */
final class CloudClientOptions {
    @Option(names = "--bedrock", description = "Settings for Claude Code's Bedrock mode through the gateway (CLAUDE_CODE_USE_BEDROCK).")
    boolean bedrock;

    @Option(names = "--vertex", description = "Settings for Claude Code's Vertex mode through the gateway (CLAUDE_CODE_USE_VERTEX).")
    boolean vertex;

    @Option(names = "--region", paramLabel = "REGION",
            description = "With --bedrock: AWS_REGION (default $AWS_REGION, else us-east-1); with --vertex: CLOUD_ML_REGION (default us-east5).")
    String region;

    @Option(names = "--project", paramLabel = "PROJECT", description = "With --vertex: the Google Cloud project (ANTHROPIC_VERTEX_PROJECT_ID).")
    String project;

    /** Refuses a contradictory choice before anything (a key, a token) is issued. */
    void validate() {
        if (bedrock && vertex) throw new UserError("--bedrock and --vertex: choose one");
        if (!bedrock && !vertex && (region != null || project != null)) {
            throw new UserError("--region and --project go with --bedrock or --vertex");
        }
        if (vertex && project == null) throw new UserError("--vertex needs --project (the Google Cloud project id)");
    }

    /**
     * Turns the first-party block into the cloud mode's: the gateway's /bedrock or /vertex/v1 as the
     * base URL, the cloud's own auth skipped, and the Tally key as a Bedrock bearer token or an
     * x-api-key header. Returns a note for stderr, or null when no cloud mode was asked for.
     */
    String apply(ObjectNode env, String base) {
        validate();
        if (!bedrock && !vertex) return null;
        String key = env.has("ANTHROPIC_AUTH_TOKEN") ? env.remove("ANTHROPIC_AUTH_TOKEN").asText() : null;
        env.remove("ANTHROPIC_BASE_URL");
        if (bedrock) {
            String r = region != null ? region : System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : "us-east-1";
            env.put("CLAUDE_CODE_USE_BEDROCK", "1");
            env.put("ANTHROPIC_BEDROCK_BASE_URL", base + "/bedrock");
            env.put("AWS_REGION", r);
            // skip-auth: no SigV4 and no availability probes; the key still rides as Authorization: Bearer
            env.put("CLAUDE_CODE_SKIP_BEDROCK_AUTH", "1");
            if (key != null) env.put("AWS_BEARER_TOKEN_BEDROCK", key);
            return "Bedrock mode: Claude Code calls " + base + "/bedrock; Tally signs for AWS";
        }
        env.put("CLAUDE_CODE_USE_VERTEX", "1");
        env.put("ANTHROPIC_VERTEX_BASE_URL", base + "/vertex/v1"); // Claude Code appends /projects/… as is
        env.put("CLOUD_ML_REGION", region != null ? region : "us-east5");
        env.put("ANTHROPIC_VERTEX_PROJECT_ID", project);
        env.put("CLAUDE_CODE_SKIP_VERTEX_AUTH", "1");
        if (key != null) {
            String custom = env.has("ANTHROPIC_CUSTOM_HEADERS") ? env.get("ANTHROPIC_CUSTOM_HEADERS").asText() + "\n" : "";
            env.put("ANTHROPIC_CUSTOM_HEADERS", custom + "x-api-key: " + key);
        }
        return "Vertex mode: Claude Code calls " + base + "/vertex/v1; Tally adds Google credentials";
    }
}
