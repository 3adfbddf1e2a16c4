package tally.importers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Cost Explorer's JSON 1.1 API ({@code AWSInsightsIndexService.GetCostAndUsage}), signed with the
 * SDK's SigV4 signer and sent with its URLConnection client ({@link SignedHttp}). The SDK's generated Cost Explorer
 * client is not published for the SDK version Tally uses, and one operation does not need it.
 */
public final class CostExplorerClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;

    private final URI endpoint;
    private final String signingRegion;
    private final SignedHttp http;

    CostExplorerClient(URI endpoint, String signingRegion, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint;
        this.signingRegion = signingRegion;
        this.http = new SignedHttp(credentials);
    }

    /** Cost Explorer's one endpoint per partition, signed for its home region. */
    static CostExplorerClient of(String region, URI override, AwsCredentialsProvider credentials) {
        boolean china = region.startsWith("cn-");
        String home = china ? "cn-northwest-1" : "us-east-1";
        URI url = override != null ? override : URI.create(china ? "https://ce.cn-northwest-1.amazonaws.com.cn" : "https://ce.us-east-1.amazonaws.com");
        return new CostExplorerClient(url, home, credentials);
    }

    /** One GetCostAndUsage call; throttling and server errors are retried twice, then reported. */
    public JsonNode getCostAndUsage(JsonNode request) throws IOException {
        byte[] body = JSON.writeValueAsBytes(request);
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage");
        for (int attempt = 1; ; attempt++) {
            SignedHttp.Response response = http.send(SdkHttpMethod.POST, endpoint, headers, body, "ce", signingRegion);
            if (response.status() == 200) return JSON.readTree(response.body());
            String why = error(response.body());
            boolean again = response.status() >= 500 || why.startsWith("LimitExceededException") || why.startsWith("ThrottlingException");
            if (!again || attempt == ATTEMPTS) throw new IOException("Cost Explorer: " + why + " (HTTP " + response.status() + ")");
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** "Type: message" from a JSON 1.1 error body. */
    private static String error(byte[] body) {
        try {
            JsonNode e = JSON.readTree(body);
            String type = e.path("__type").asText("error");
            type = type.substring(type.lastIndexOf('#') + 1);
            String message = e.has("message") ? e.get("message").asText() : e.path("Message").asText("");
            return type + ": " + message;
        } catch (IOException | RuntimeException notJson) {
            return "an answer that is not JSON";
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
