package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tally import <source>}: brings usage that already sits in files and reports into the ledger. */
@Command(name = "import", description = "Import usage from Claude Code transcripts, Bedrock invocation logs or the Anthropic Admin API.",
        subcommands = {ImportClaudeCodeCommand.class, ImportBedrockCommand.class, ImportAnthropicCommand.class,
                ImportAwsCostsCommand.class})
final class ImportCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static GlobalOptions global(CommandSpec spec) {
        return GlobalOptions.of(spec);
    }
}
