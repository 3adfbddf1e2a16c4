package tally.importers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * Cost Explorer's JSON 1.1 API ({@code AWSInsightsIndexService.GetCostAndUsage}), signed with the
 * SDK's SigV4 signer and sent with its URLConnection client. The SDK's generated Cost Explorer
 * client is not published for the SDK version Tally uses, and one operation does not need it.
 */
public final class CostExplorerClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;

    private final URI endpoint;
    private final String signingRegion;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http = UrlConnectionHttpClient.create();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    CostExplorerClient(URI endpoint, String signingRegion, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint;
        this.signingRegion = signingRegion;
        this.credentials = credentials;
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
        for (int attempt = 1; ; attempt++) {
            SdkHttpRequest.Builder r = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                    .putHeader("Content-Type", "application/x-amz-json-1.1")
                    .putHeader("X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage");
            SdkHttpRequest signed = sign(r.build(), body);
            HttpExecuteResponse response;
            byte[] answer;
            try {
                response = http.prepareRequest(HttpExecuteRequest.builder().request(signed)
                        .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body)).build()).call();
                try (InputStream in = response.responseBody().map(b -> (InputStream) b).orElse(InputStream.nullInputStream())) {
                    answer = in.readAllBytes();
                }
            } catch (SdkException e) {
                throw new IOException("Cost Explorer at " + endpoint + ": " + e.getMessage(), e);
            }
            int status = response.httpResponse().statusCode();
            if (status == 200) return JSON.readTree(answer);
            String why = error(answer);
            boolean again = status >= 500 || why.startsWith("LimitExceededException") || why.startsWith("ThrottlingException");
            if (!again || attempt == ATTEMPTS) throw new IOException("Cost Explorer: " + why + " (HTTP " + status + ")");
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private SdkHttpRequest sign(SdkHttpRequest request, byte[] body) {
        if (credentials instanceof AnonymousCredentialsProvider) return request;
        return signer.sign(s -> s.identity(credentials.resolveCredentials()).request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ce")
                .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion)).request();
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
