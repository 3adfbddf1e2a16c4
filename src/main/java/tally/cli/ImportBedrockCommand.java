package tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.importers.ImportSummary;
import tally.pricing.PriceCatalog;
import tally.importers.Progress;
import tally.importers.SkipFile;
import tally.importers.bedrock.BedrockImporter;
import tally.importers.bedrock.CloudWatchLogsPull;
import tally.importers.bedrock.S3LogsPull;
import tally.importers.aws.AwsAccess;
import tally.importers.aws.InferenceProfiles;
import tally.ingest.RecordSink;
import tally.store.OffsetBook;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import tally.store.ImportOffsets;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

@Command(name = "bedrock", description = "Import Bedrock model invocation logs: JSON Lines or .json.gz from the S3 log "
        + "bucket, or CloudWatch Logs exports; or pull them from AWS (--cloudwatch, --s3), each run from where the last stopped. "
        + "Each caller's ARN is its identity, shown as its assumed-role session name until aliased.")
final class ImportBedrockCommand implements Runnable, CommandLine.IExitCodeGenerator {
    @Spec CommandSpec spec;

    @Mixin SkipsOption skips;

    private int exitCode;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Log files or folders.")
    List<Path> paths = List.of();

    @Option(names = "--cloudwatch", paramLabel = "LOG_GROUP", description = "Pull the invocation log group (FilterLogEvents).")
    String logGroup;

    @Option(names = "--s3", paramLabel = "s3://BUCKET/PREFIX", description = "Pull the log bucket's .json.gz objects under the prefix.")
    String s3;

    @Option(names = "--since", paramLabel = "TIME", description = "With --cloudwatch: the earliest event to read (default: where the last pull stopped).")
    String since;

    @Mixin AwsOptions aws;

    @Override
    public void run() {
        GlobalOptions g = ImportCommand.global(spec);
        if (paths.isEmpty() && logGroup == null && s3 == null) throw new UserError("import bedrock: give log files or folders, --cloudwatch LOG_GROUP or --s3 s3://bucket/prefix");
        if (since != null && logGroup == null) throw new UserError("--since applies to --cloudwatch only");
        exitCode = skips.run(log -> {
            List<ImportSummary> summaries = new java.util.ArrayList<>();
            if (logGroup != null || s3 != null) pull(g, log, summaries);
            if (!paths.isEmpty()) summaries.add(Backend.server(g).isPresent() ? beside(g, log) : here(g, log));
            return summaries;
        }, spec.commandLine().getOut());
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    private ImportSummary here(GlobalOptions g, SkipFile log) {
        try (Session s = Session.open(g)) {
            BedrockImporter importer = new BedrockImporter(new ImportOffsets(s.store), s.writer(), s.catalog(), log);
            try (Progress progress = Progress.start("bedrock", 0)) {
                return importer.run(paths, progress);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    /** Beside a running server: the logs are read here, their records stored by the server. */
    private ImportSummary beside(GlobalOptions g, SkipFile log) {
        PriceCatalog catalog = Session.catalogOf(g);
        try (Backend b = Backend.open(g)) {
            ServerImport server = new ServerImport(b);
            BedrockImporter importer = new BedrockImporter(server, server, catalog, log);
            try (Progress progress = Progress.start("bedrock", 0)) {
                return importer.run(paths, progress);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    /** Pulls from AWS here; the records go to the store here or to the running server, as file imports do. */
    private void pull(GlobalOptions g, SkipFile log, List<ImportSummary> summaries) {
        AwsAccess access = aws.access();
        Instant from = since == null ? null : Times.parse("--since", since, g.zone());
        S3LogsPull.Location where = null;
        try {
            where = s3 == null ? null : S3LogsPull.Location.parse(s3);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (Backend.server(g).isPresent()) {
            PriceCatalog catalog = Session.catalogOf(g);
            try (Backend b = Backend.open(g)) {
                ServerImport server = new ServerImport(b);
                pull(access, from, where, server, server, catalog, log, summaries);
            }
            return;
        }
        try (Session s = Session.open(g)) {
            pull(access, from, where, new ImportOffsets(s.store), s.writer(), s.catalog(), log, summaries);
        }
    }

    private void pull(AwsAccess access, Instant from, S3LogsPull.Location where, OffsetBook offsets, RecordSink writer,
                      PriceCatalog catalog, SkipFile log, List<ImportSummary> summaries) {
        try (Progress progress = Progress.start("bedrock", 0); InferenceProfiles profiles = access.inferenceProfiles()) {
            if (logGroup != null) {
                try (CloudWatchLogsClient logs = access.logs()) {
                    summaries.add(new CloudWatchLogsPull(logs, offsets, writer, catalog, profiles).run(logGroup, from, progress, log));
                }
            }
            if (where != null) {
                try (S3Client client = access.s3()) {
                    summaries.add(new S3LogsPull(client, offsets, writer, catalog, profiles).run(where, progress, log));
                }
            }
        } catch (SdkException e) {
            throw new UserError("AWS: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
