package tally.cli;

import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import tally.importers.aws.AwsAccess;

import java.net.URI;

/** Where AWS API calls go and how they are signed: shared by the commands that pull from AWS. */
final class AwsOptions {
    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default $AWS_REGION, then $AWS_DEFAULT_REGION).")
    String region;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Send AWS calls to this endpoint instead (LocalStack, a VPC endpoint).")
    String endpoint;

    @Option(names = "--no-sign-request", description = "Send AWS calls unsigned (a local stand-in); else the default credentials chain signs them.")
    boolean noSign;

    AwsAccess access() {
        return access(region, endpoint, noSign, "--region", "--endpoint");
    }

    /**
     * The access these flags describe: the region (else $AWS_REGION, then $AWS_DEFAULT_REGION), an
     * endpoint override, and unsigned calls or the default credentials chain. Errors name the flags
     * as the command spells them ({@code serve} prefixes its own with {@code --aws-}).
     */
    static AwsAccess access(String region, String endpoint, boolean noSign, String regionFlag, String endpointFlag) {
        String r = region != null ? region : env("AWS_REGION") != null ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
        URI url;
        try {
            url = endpoint == null ? null : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new UserError(endpointFlag + ": cannot read '" + endpoint + "' as a URL");
        }
        AwsCredentialsProvider credentials = noSign ? AnonymousCredentialsProvider.create() : DefaultCredentialsProvider.builder().build();
        try {
            return new AwsAccess(r, url, credentials);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage().replace("--region", regionFlag).replace("--endpoint", endpointFlag));
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }
}
