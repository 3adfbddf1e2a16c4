package tally.pricing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns the many spellings of a Claude model id into the one the catalog knows:
 * {@code arn:aws:bedrock:us-east-1:1234:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0},
 * {@code claude-sonnet-4-5@20250929} and {@code claude-opus-4-8[1m]} all lose their decorations.
 * Never throws: ids arrive from clients, logs and files, and an odd one is simply unknown.
 */
public final class ModelIds {

    public static final String ANTHROPIC = "anthropic";
    public static final String BEDROCK = "bedrock";
    public static final String VERTEX = "vertex";

    /** Bedrock cross-region inference profile prefixes; all but global. cost the regional premium. */
    private static final String[] PROFILE_PREFIXES = {"global.", "us.", "eu.", "apac.", "jp.", "au."};

    /** Bedrock model versions: -v1:0, -v1, -v2:0, and the provisioned-throughput form -v1:0:200k. */
    private static final Pattern BEDROCK_VERSION = Pattern.compile("-v\\d+(?::\\d+)?(?::\\d+k)?$");

    private static final ParsedModelId EMPTY = new ParsedModelId("", ANTHROPIC, false, false);

    private ModelIds() {}

    public static ParsedModelId parse(String raw) {
        try {
            return parseOrThrow(raw);
        } catch (RuntimeException e) {
            // A pathological string (bad percent-encoding…) is unknown, not a crash.
            return new ParsedModelId(raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT), ANTHROPIC, false, false);
        }
    }

    private static ParsedModelId parseOrThrow(String raw) {
        if (raw == null) return EMPTY;
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) return EMPTY;
        if (s.indexOf('%') >= 0) s = URLDecoder.decode(s, StandardCharsets.UTF_8); // ids taken from URL paths

        String provider = ANTHROPIC;
        boolean regional = false;
        boolean profiled = false; // a cross-region inference profile prefix said where it runs

        if (s.startsWith("arn:")) {
            provider = BEDROCK;
            // An application inference profile names no model; only the override file can.
            if (s.contains(":application-inference-profile/")) return new ParsedModelId(s, provider, false, true);
            s = s.substring(s.lastIndexOf('/') + 1); // inference-profile/<id> or foundation-model/<id>
        }

        // Claude Code marks the 1M-context variant as claude-opus-4-8[1m]; it bills as the model.
        if (s.endsWith("]")) {
            int open = s.lastIndexOf('[');
            if (open > 0) s = s.substring(0, open);
        }

        for (String prefix : PROFILE_PREFIXES) {
            if (s.startsWith(prefix)) {
                s = s.substring(prefix.length());
                provider = BEDROCK;
                regional = !prefix.equals("global.");
                profiled = true;
                break;
            }
        }
        if (s.startsWith("anthropic.")) {
            s = s.substring("anthropic.".length());
            // a bare base id, or a foundation-model ARN naming one, runs in the caller's region
            if (!profiled) regional = true;
            provider = BEDROCK;
        }

        s = BEDROCK_VERSION.matcher(s).replaceFirst("");

        int at = s.indexOf('@'); // Vertex: claude-sonnet-4-5@20250929
        if (at >= 0) {
            s = s.substring(0, at) + "-" + s.substring(at + 1);
            provider = VERTEX;
        }
        return new ParsedModelId(s, provider, regional, false);
    }
}
