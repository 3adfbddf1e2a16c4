package tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code tally help [COMMAND [SUBCOMMAND …]]}: the usage of any command at any depth
 * ({@code tally help budgets set}). Picocli's own help command looks at the first name only.
 */
@Command(name = "help", helpCommand = true,
        description = "Show the help of a command at any depth, e.g. 'tally help budgets set'.")
final class HelpCommand implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command and its subcommands, e.g. budgets set (default: tally itself).")
    List<String> path = new ArrayList<>();

    @Override
    public void run() {
        CommandLine target = spec.parent().commandLine();
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                throw new UserError("help: '" + target.getCommandSpec().qualifiedName() + "' has no command '" + name
                        + "' (it has: " + String.join(", ", target.getSubcommands().keySet()) + ")");
            }
            target = next;
        }
        target.usage(spec.commandLine().getOut());
    }
}
