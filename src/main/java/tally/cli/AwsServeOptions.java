package tally.cli;

import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import tally.importers.Progress;
import tally.importers.aws.AwsAccess;
import tally.importers.aws.InferenceProfiles;
import tally.importers.bedrock.BedrockLogPoller;
import tally.importers.bedrock.CloudWatchLogsPull;
import tally.importers.bedrock.S3LogsPull;
import tally.metrics.CloudWatchPublisher;
import tally.store.ImportOffsets;
import tally.store.UsageWindows;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code serve}'s AWS side jobs: pulling Bedrock invocation logs on a schedule (--bedrock-logs) and
 * publishing metrics to CloudWatch (--cloudwatch-namespace). Each is a start/stop component the
 * server owns; the SDK clients are closed with them.
 */
final class AwsServeOptions {
    @Option(names = "--bedrock-logs", paramLabel = "cloudwatch:LOG_GROUP|s3://BUCKET/PREFIX",
            description = "Pull Bedrock invocation logs from this log group or S3 prefix on a schedule (repeatable).")
    List<String> bedrockLogs = new ArrayList<>();

    @Option(names = "--bedrock-logs-every", defaultValue = "5m", paramLabel = "DURATION", description = "How often to pull --bedrock-logs (default 5m).")
    String every;

    @Option(names = "--cloudwatch-namespace", paramLabel = "NS",
            description = "Publish per-developer and per-model cost, token and request metrics to CloudWatch under this namespace (EMF).")
    String namespace;

    @Option(names = "--cloudwatch-log-group", defaultValue = "/tally/metrics", paramLabel = "LOG_GROUP",
            description = "The log group the EMF metric lines go to (default /tally/metrics).")
    String metricsGroup;

    @Option(names = "--cloudwatch-max-dimension-values", defaultValue = "200", paramLabel = "N",
            description = "At most N developers and N models get their own metrics; later ones are summed as (other) (default 200).")
    int maxValues;

    @Option(names = "--aws-region", paramLabel = "REGION", description = "Region of these AWS calls (default $AWS_REGION, then $AWS_DEFAULT_REGION).")
    String region;

    @Option(names = "--aws-endpoint", paramLabel = "URL", description = "Send these AWS calls to this endpoint instead (LocalStack, a VPC endpoint).")
    String endpoint;

    @Option(names = "--aws-no-sign-request", description = "Send these AWS calls unsigned (a local stand-in).")
    boolean noSign;

    /** The running jobs, closed in reverse. */
    static final class Jobs implements AutoCloseable {
        private final List<AutoCloseable> parts = new ArrayList<>();

        @Override
        public void close() {
            for (int i = parts.size() - 1; i >= 0; i--) {
                try {
                    parts.get(i).close();
                } catch (Exception ignored) {
                    // closing: nothing more to do with it
                }
            }
            parts.clear();
        }
    }

    /** Refuses what the jobs could not act on before the server starts; the jobs themselves start on the leader. */
    void validate() {
        if (bedrockLogs.isEmpty() && namespace == null) return;
        access();
        Durations.parse("--bedrock-logs-every", every);
        for (String spec : bedrockLogs) {
            if (spec.startsWith("cloudwatch:") && spec.length() > "cloudwatch:".length()) continue;
            try {
                if (!spec.startsWith("s3://")) throw new IllegalArgumentException(badSource(spec));
                S3LogsPull.Location.parse(spec);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
    }

    private static String badSource(String spec) {
        return "--bedrock-logs: expected cloudwatch:LOG_GROUP or s3://bucket/prefix, got '" + spec + "'";
    }

    Jobs start(Session session) {
        Jobs jobs = new Jobs();
        if (bedrockLogs.isEmpty() && namespace == null) return jobs;
        AwsAccess access = access();
        try {
            if (!bedrockLogs.isEmpty()) {
                BedrockLogPoller poller = new BedrockLogPoller(sources(access, session, jobs), Durations.parse("--bedrock-logs-every", every));
                jobs.parts.add(poller);
                poller.start();
            }
            if (namespace != null) {
                CloudWatchLogsClient logs = access.logs();
                jobs.parts.add(logs);
                CloudWatchPublisher publisher = new CloudWatchPublisher(logs, new UsageWindows(session.store), session.people::resolve,
                        namespace, metricsGroup, "tally-" + ManagementFactory.getRuntimeMXBean().getName().replace('@', '-'), maxValues, session.clock);
                jobs.parts.add(publisher);
                publisher.start();
            }
        } catch (IllegalArgumentException e) {
            jobs.close();
            throw new UserError(e.getMessage());
        }
        return jobs;
    }

    private List<BedrockLogPoller.Source> sources(AwsAccess access, Session s, Jobs jobs) {
        List<BedrockLogPoller.Source> out = new ArrayList<>();
        ImportOffsets offsets = new ImportOffsets(s.store);
        InferenceProfiles profiles = access.inferenceProfiles();
        jobs.parts.add(profiles);
        for (String spec : bedrockLogs) {
            if (spec.startsWith("cloudwatch:") && spec.length() > "cloudwatch:".length()) {
                String group = spec.substring("cloudwatch:".length());
                CloudWatchLogsClient logs = access.logs();
                jobs.parts.add(logs);
                CloudWatchLogsPull pull = new CloudWatchLogsPull(logs, offsets, s.writer(), s.catalog(), profiles);
                out.add(new BedrockLogPoller.Source(spec, () -> pull.run(group, null, Progress.none())));
            } else if (spec.startsWith("s3://")) {
                S3LogsPull.Location where = S3LogsPull.Location.parse(spec);
                S3Client s3 = access.s3();
                jobs.parts.add(s3);
                S3LogsPull pull = new S3LogsPull(s3, offsets, s.writer(), s.catalog(), profiles);
                out.add(new BedrockLogPoller.Source(spec, () -> pull.run(where, Progress.none())));
            } else {
                throw new IllegalArgumentException(badSource(spec));
            }
        }
        return out;
    }

    private AwsAccess access() {
        return AwsOptions.access(region, endpoint, noSign, "--aws-region", "--aws-endpoint");
    }
}
