package tally.cli;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import tally.gateway.ApplicationProfiles;
import tally.gateway.BedrockConfig;
import tally.gateway.BedrockRoutes;
import tally.gateway.Gateway;
import tally.gateway.VertexConfig;
import tally.gateway.VertexRoutes;
import tally.importers.aws.AwsAccess;
import tally.importers.aws.InferenceProfiles;
import tally.pricing.PriceCatalog;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** {@code tally serve}'s Bedrock and Vertex options, and the routes they configure. */
final class CloudServeOptions {
    private static final Logger LOG = Logger.getLogger(CloudServeOptions.class.getName());

    @Option(names = "--bedrock-region", paramLabel = "REGION",
            description = "The AWS region Bedrock calls are signed for (default $AWS_REGION, then $AWS_DEFAULT_REGION; without one, /bedrock is off).")
    String bedrockRegion;

    @Option(names = "--bedrock-endpoint", paramLabel = "URL",
            description = "The bedrock-runtime endpoint (default https://bedrock-runtime.REGION.amazonaws.com).")
    String bedrockEndpoint;

    @Option(names = "--bedrock-control-endpoint", paramLabel = "URL",
            description = "The Bedrock control-plane endpoint inference-profile lookups go to (default https://bedrock.REGION.amazonaws.com).")
    String bedrockControlEndpoint;

    @Option(names = "--bedrock-role-arn", paramLabel = "ARN",
            description = "Assume this IAM role (STS) for Bedrock calls; else the default credentials chain is used as it is. "
                    + "A server-side Bedrock API key in $TALLY_BEDROCK_API_KEY is sent instead of signing.")
    String bedrockRoleArn;

    @Option(names = "--vertex-endpoint", paramLabel = "URL",
            description = "The Vertex AI endpoint (default each request's location's: https://LOCATION-aiplatform.googleapis.com).")
    String vertexEndpoint;

    @Option(names = "--vertex-auth", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Send Google application default credentials to Vertex (default on; --no-vertex-auth for an endpoint that needs none).")
    boolean vertexAuth;

    /** The /bedrock and /vertex routes, mounted beside the gateway's. */
    List<Consumer<Router>> routes(Vertx vertx, Gateway gateway, PriceCatalog catalog, Duration idleTimeout) {
        List<Consumer<Router>> parts = new ArrayList<>();
        String region = bedrockRegion != null ? bedrockRegion : env("AWS_REGION") != null ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
        if (region == null) {
            LOG.info("serve: no --bedrock-region or $AWS_REGION: the /bedrock routes are off");
        } else {
            URI runtime = url("--bedrock-endpoint", bedrockEndpoint, BedrockConfig.runtimeEndpoint(region));
            URI control = url("--bedrock-control-endpoint", bedrockControlEndpoint, BedrockConfig.controlEndpoint(region));
            BedrockConfig config = new BedrockConfig(region, runtime, control, env("TALLY_BEDROCK_API_KEY"), credentials(region));
            parts.add(new BedrockRoutes(vertx, gateway, config, catalog, idleTimeout)::mount);
            // as import bedrock does; without the option each ARN's own region's control plane answers
            InferenceProfiles profiles = new AwsAccess(region, bedrockControlEndpoint == null ? null : control,
                    config.credentials()).inferenceProfiles();
            gateway.resolveProfilesWith(new ApplicationProfiles(vertx, profiles::modelIdNow));
        }
        URI vertexUrl = vertexEndpoint == null ? null : url("--vertex-endpoint", vertexEndpoint, null);
        VertexConfig vertex = new VertexConfig(vertexUrl, vertexAuth ? VertexConfig.applicationDefault() : null);
        parts.add(new VertexRoutes(vertx, gateway, vertex, catalog, idleTimeout)::mount);
        return parts;
    }

    /** The default chain (env, profile, web identity, container, instance role), or a role assumed with it. */
    private AwsCredentialsProvider credentials(String region) {
        AwsCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        if (bedrockRoleArn == null) return chain;
        StsClient sts = StsClient.builder().region(Region.of(region)).credentialsProvider(chain)
                .httpClient(UrlConnectionHttpClient.create()).build();
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(bedrockRoleArn).roleSessionName("tally-gateway")).build();
    }

    private static URI url(String option, String given, URI fallback) {
        if (given == null) return fallback;
        try {
            URI u = URI.create(given.replaceAll("/+$", ""));
            if (u.getHost() != null && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) return u;
        } catch (IllegalArgumentException bad) {
            // said below
        }
        throw new UserError(option + ": expected http(s)://host[:port], got '" + given + "'");
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
