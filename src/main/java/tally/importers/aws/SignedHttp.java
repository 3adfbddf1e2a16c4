package tally.importers.aws;

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
import java.util.Map;

/**
 * One AWS API call without a generated service client: signed with the SDK's SigV4 signer (unless
 * the credentials are anonymous), sent with the SDK's URLConnection client.
 */
final class SignedHttp implements AutoCloseable {
    record Response(int status, byte[] body) {}

    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http = UrlConnectionHttpClient.create();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    SignedHttp(AwsCredentialsProvider credentials) {
        this.credentials = credentials;
    }

    Response send(SdkHttpMethod method, URI url, Map<String, String> headers, byte[] body, String service, String region) throws IOException {
        SdkHttpRequest.Builder r = SdkHttpRequest.builder().method(method).uri(url);
        headers.forEach(r::putHeader);
        SdkHttpRequest request = r.build();
        if (!(credentials instanceof AnonymousCredentialsProvider)) {
            request = signer.sign(s -> s.identity(credentials.resolveCredentials()).request(r.build())
                    .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)).request();
        }
        try {
            HttpExecuteRequest.Builder call = HttpExecuteRequest.builder().request(request);
            if (body.length > 0) call.contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body));
            HttpExecuteResponse response = http.prepareRequest(call.build()).call();
            try (InputStream in = response.responseBody().map(b -> (InputStream) b).orElse(InputStream.nullInputStream())) {
                return new Response(response.httpResponse().statusCode(), in.readAllBytes());
            }
        } catch (SdkException e) {
            throw new IOException(service + " at " + url.getHost() + ":" + url.getPort() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
