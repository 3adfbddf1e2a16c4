package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.importers.ImportSummary;
import tally.pricing.PriceCatalog;
import tally.importers.Progress;
import tally.importers.bedrock.BedrockImporter;
import tally.store.ImportOffsets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

@Command(name = "bedrock", description = "Import Bedrock model invocation logs: JSON Lines or .json.gz from the S3 log "
        + "bucket, or CloudWatch Logs exports. Each caller's ARN is its identity, shown as its assumed-role session name until aliased.")
final class ImportBedrockCommand implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Log files or folders.")
    List<Path> paths;

    @Override
    public void run() {
        GlobalOptions g = ImportCommand.global(spec);
        if (Backend.server(g).isPresent()) {
            beside(g);
            return;
        }
        try (Session s = Session.open(g)) {
            BedrockImporter importer = new BedrockImporter(new ImportOffsets(s.store), s.writer(), s.catalog());
            try (Progress progress = Progress.start("bedrock", 0)) {
                ImportSummary summary = importer.run(paths, progress);
                spec.commandLine().getOut().print(summary.render());
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    /** Beside a running server: the logs are read here, their records stored by the server. */
    private void beside(GlobalOptions g) {
        PriceCatalog catalog = g.pricesFile() == null ? PriceCatalog.bundled() : PriceCatalog.load(g.pricesFile());
        try (Backend b = Backend.open(g)) {
            ServerImport server = new ServerImport(b);
            BedrockImporter importer = new BedrockImporter(server, server, catalog);
            try (Progress progress = Progress.start("bedrock", 0)) {
                spec.commandLine().getOut().print(importer.run(paths, progress).render());
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }
}
