package tally.importers.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/**
 * How Tally reaches AWS APIs: a region, credentials (the default chain unless given) and, for a
 * local stand-in (LocalStack, a test's fake), an endpoint override. Clients use the SDK's
 * URLConnection HTTP client, as the gateway's STS calls do.
 */
public record AwsAccess(String region, URI endpoint, AwsCredentialsProvider credentials) {
    public AwsAccess {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("no AWS region: pass --region or set AWS_REGION");
        }
        if (endpoint != null && !"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("--endpoint: expected an http(s) URL, got '" + endpoint + "'");
        }
    }

    public CloudWatchLogsClient logs() {
        var b = CloudWatchLogsClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        if (endpoint != null) b.endpointOverride(endpoint);
        return b.build();
    }

    /** Path-style addressing with an endpoint override, so a bucket needs no DNS name of its own. */
    public S3Client s3() {
        var b = S3Client.builder().region(Region.of(region)).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (endpoint != null) b.endpointOverride(endpoint).forcePathStyle(true);
        return b.build();
    }

    public CostExplorerClient costExplorer() {
        return CostExplorerClient.of(region, endpoint, credentials);
    }

    /** Bedrock's control plane, for the model behind an application inference profile. */
    public InferenceProfiles inferenceProfiles() {
        return new InferenceProfiles(endpoint, credentials);
    }
}
