package tally.importers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import tally.importers.bedrock.ProfileModels;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What model an application inference profile runs, from Bedrock's GetInferenceProfile (looked up
 * once per ARN per run). A profile copied from a cross-region profile lists the model in several
 * regions: within one geography it is priced as that geography's profile (us., eu., apac.: the
 * regional premium), across geographies as global.; a single-region profile as the bare model id
 * (in-region, premium). A profile that cannot be looked up stays unpriced and is named in the summary.
 */
public final class InferenceProfiles implements ProfileModels, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InferenceProfiles.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI override;
    private final SignedHttp http;
    private final Map<String, Optional<String>> known = new ConcurrentHashMap<>();

    InferenceProfiles(URI override, AwsCredentialsProvider credentials) {
        this.override = override;
        this.http = new SignedHttp(credentials);
    }

    @Override
    public String modelIdOf(String arn) {
        if (!ProfileModels.isApplicationProfile(arn)) return null;
        return known.computeIfAbsent(arn, a -> {
            try {
                return Optional.ofNullable(lookUp(a));
            } catch (IOException e) {
                LOG.warning("GetInferenceProfile " + a + ": " + e.getMessage() + "; its records stay unpriced");
                return Optional.empty();
            }
        }).orElse(null);
    }

    /**
     * The same answer looked up now, uncached: for a long-running caller that keeps its own cache and
     * tries a failed lookup again later. Null when the profile runs no single model.
     */
    public String modelIdNow(String arn) throws IOException {
        if (!ProfileModels.isApplicationProfile(arn)) return null;
        try {
            return lookUp(arn);
        } catch (RuntimeException e) { // no AWS credentials to sign with, a malformed answer
            throw new IOException(e.getMessage(), e);
        }
    }

    private String lookUp(String arn) throws IOException {
        String[] parts = arn.split(":", 6); // arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID
        if (parts.length < 6) return null;
        String region = parts[3];
        URI base = override != null ? override : URI.create("https://bedrock." + region + ".amazonaws.com");
        URI url = URI.create(base.toString().replaceAll("/+$", "") + "/inference-profiles/"
                + URLEncoder.encode(arn, StandardCharsets.UTF_8).replace("+", "%20"));
        SignedHttp.Response r = http.send(SdkHttpMethod.GET, url, Map.of("Accept", "application/json"), new byte[0], "bedrock", region);
        if (r.status() != 200) throw new IOException("HTTP " + r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
        return modelId(JSON.readTree(r.body()).path("models"));
    }

    /** The id to price by, from the profile's model ARNs (foundation-model/… in each region). */
    static String modelId(JsonNode models) {
        String base = null;
        Set<String> geographies = new LinkedHashSet<>();
        for (JsonNode m : models) {
            String modelArn = m.path("modelArn").asText("");
            String[] parts = modelArn.split(":", 6);
            if (parts.length < 6) continue;
            String id = modelArn.substring(modelArn.lastIndexOf('/') + 1);
            if (base == null) base = id;
            else if (!base.equals(id)) return null; // one profile, one model: anything else is not priced by guess
            geographies.add(geography(parts[3]));
        }
        if (base == null) return null;
        if (models.size() == 1 || geographies.isEmpty()) return base;
        if (geographies.size() > 1) return "global." + base;
        return geographies.iterator().next() + "." + base;
    }

    private static String geography(String region) {
        if (region.startsWith("us-") || region.startsWith("ca-")) return "us";
        if (region.startsWith("eu-")) return "eu";
        if (region.startsWith("ap-northeast-1")) return "jp";
        if (region.startsWith("ap-southeast-2")) return "au";
        if (region.startsWith("ap-")) return "apac";
        return region;
    }

    @Override
    public void close() {
        http.close();
    }
}
