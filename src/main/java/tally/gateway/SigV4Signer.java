package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Signs an upstream request with AWS Signature Version 4, by the AWS SDK's own signer, with
 * credentials from the configured provider (the default chain: environment, profile, web identity,
 * container, instance role; or an assumed role). Resolving credentials may block (the instance
 * metadata service, STS), so signing runs on a worker thread.
 */
final class SigV4Signer {
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final Vertx vertx;

    SigV4Signer(Vertx vertx, AwsCredentialsProvider credentials, String region) {
        this.vertx = vertx;
        this.credentials = credentials;
        this.region = region;
    }

    /**
     * The headers to send: {@code headers} (all of them signed, with Host as the HTTP client will
     * send it) plus Authorization, X-Amz-Date and, for temporary credentials, X-Amz-Security-Token.
     */
    Future<MultiMap> sign(String service, String method, URI url, MultiMap headers, byte[] body) {
        return vertx.executeBlocking(() -> {
            SdkHttpRequest.Builder r = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(url);
            headers.forEach(h -> r.appendHeader(h.getKey(), h.getValue()));
            SignedRequest signed = signer.sign(s -> s.identity(credentials.resolveCredentials())
                    .request(r.build())
                    .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            MultiMap out = MultiMap.caseInsensitiveMultiMap();
            for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
                if (h.getKey().toLowerCase(Locale.ROOT).equals("host")) continue; // the HTTP client sends the same value
                out.add(h.getKey(), h.getValue());
            }
            return out;
        }, false);
    }
}
