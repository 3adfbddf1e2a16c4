package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.importers.ImportSummary;
import tally.importers.Progress;
import tally.importers.bedrock.BedrockImporter;
import tally.store.ImportOffsets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

@Command(name = "bedrock", description = "Import Bedrock model invocation logs: JSON Lines or .json.gz from the S3 log "
        + "bucket, or CloudWatch Logs exports. Each caller's assumed-role session name is its identity.")
final class ImportBedrockCommand implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Log files or folders.")
    List<Path> paths;

    @Override
    public void run() {
        GlobalOptions g = ImportCommand.global(spec);
        try (Session s = Session.open(g)) {
            BedrockImporter importer = new BedrockImporter(new ImportOffsets(s.store), s.writer(), s.catalog(),
                    arn -> !s.people.resolve(arn).equals(arn) || s.people.exists(arn));
            try (Progress progress = Progress.start("bedrock", 0)) {
                ImportSummary summary = importer.run(paths, progress);
                spec.commandLine().getOut().print(summary.render());
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }
}
