package tally.gateway;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.net.URI;

/**
 * Where and how the gateway reaches Amazon Bedrock.
 *
 * @param region       the region requests are signed for (and whose endpoints are the defaults)
 * @param runtime      the bedrock-runtime endpoint model calls go to
 * @param control      the control-plane endpoint ListInferenceProfiles goes to
 * @param apiKey       a server-side Bedrock API key, sent as a bearer token instead of signing; or null
 * @param credentials  the AWS credentials requests are signed with (the default chain, maybe an assumed role)
 */
public record BedrockConfig(String region, URI runtime, URI control, String apiKey, AwsCredentialsProvider credentials) {

    public static URI runtimeEndpoint(String region) {
        return URI.create("https://bedrock-runtime." + region + ".amazonaws.com");
    }

    public static URI controlEndpoint(String region) {
        return URI.create("https://bedrock." + region + ".amazonaws.com");
    }

    @Override
    public String toString() {
        return "BedrockConfig[region=" + region + ", runtime=" + runtime + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
    }
}
