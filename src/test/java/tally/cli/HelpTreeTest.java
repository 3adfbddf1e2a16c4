package tally.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command, at every depth, explains itself: {@code --help} and {@code tally help …} print its
 * usage, with every option and positional parameter described, and picocli prints no warning.
 * Walks the tree as picocli builds it, so commands added later are covered without listing them here.
 */
class HelpTreeTest {

    /** Every command's path below {@code tally}, e.g. [budgets, set]; the root is the empty path. */
    private static List<List<String>> allCommands() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), paths);
        return paths;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandName().equals(name)) return; // an alias of a command already walked
            path.add(name);
            walk(sub, path, into);
            path.remove(path.size() - 1);
        });
    }

    @Test
    void theTreeIncludesTheNestedCommandsANewcomerLooksFor() {
        assertThat(allCommands()).contains(List.of("import", "bedrock"), List.of("keys", "create"),
                List.of("budgets", "set"), List.of("people", "add"), List.of("report"),
                List.of("tokens", "list"), List.of("tokens", "revoke"));
    }

    @Test
    void everyCommandAnswersHelpWithItsUsageAndNoWarning() {
        for (List<String> path : allCommands()) {
            String name = String.join(" ", prepend("tally", path));
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Captured c = capture(() -> Cli.run(args.toArray(String[]::new)));
                assertThat(c.result.code()).as(name + " " + flag + ": " + c.result.err()).isZero();
                assertThat(c.result.out()).as(name + " " + flag).startsWith("Usage: " + name + " ");
                assertThat(c.result.err()).as(name + " " + flag).isEmpty();
                assertThat(c.stderr).as(name + " " + flag + " printed a picocli warning").isEmpty();
            }
        }
    }

    @Test
    void helpCommandShowsTheSameUsageAtAnyDepth() {
        for (List<String> path : allCommands()) {
            String name = String.join(" ", prepend("tally", path));
            Captured viaHelp = capture(() -> Cli.run(prepend("help", path).toArray(String[]::new)));
            List<String> withFlag = new ArrayList<>(path);
            withFlag.add("--help");
            assertThat(viaHelp.result.code()).as("tally help " + String.join(" ", path) + ": " + viaHelp.result.err()).isZero();
            assertThat(viaHelp.result.out()).as(name).isEqualTo(Cli.run(withFlag.toArray(String[]::new)).out());
            assertThat(viaHelp.stderr).as(name).isEmpty();
        }
    }

    @Test
    void demoSaysWhereItWritesWhileOtherCommandsKeepTheDefaultStore() {
        assertThat(dataLine("demo")).contains("./tally-demo").doesNotContain("tally-data");
        for (String command : List.of("report", "import", "serve")) {
            assertThat(dataLine(command)).as(command).contains("tally-data").doesNotContain("tally-demo");
        }
        assertThat(Cli.run("help", "demo").out()).isEqualTo(Cli.run("demo", "--help").out());
    }

    /** The --data option's description in the command's help, its wrapped lines joined. */
    private static String dataLine(String command) {
        List<String> lines = Cli.run(command, "--help").out().lines().toList();
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : lines) {
            if (line.strip().startsWith("-")) in = line.strip().startsWith("--data=DIR");
            if (in) sb.append(line.strip()).append(' ');
        }
        return sb.toString();
    }

    @Test
    void helpForACommandThatDoesNotExistSaysWhichOnesDo() {
        Cli.Result r = Cli.run("help", "budgets", "sett");
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("'tally budgets' has no command 'sett'").contains("set, list, rm");
    }

    @Test
    void everyOptionAndPositionalParameterIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        for (List<String> path : allCommands()) {
            CommandSpec spec = at(path).getCommandSpec();
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec a : args) {
                if (a.hidden()) continue;
                String text = String.join(" ", a.description()).trim();
                String argName = a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel();
                if (text.isEmpty()) undescribed.add(String.join(" ", prepend("tally", path)) + " " + argName);
            }
        }
        assertThat(undescribed).as("options and parameters without a description").isEmpty();
    }

    @Test
    void theUsageErrorHintNamesACommandThatWorks() {
        Cli.Result bad = Cli.run("budgets", "set", "--bogus");
        assertThat(bad.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(bad.err()).contains("Unknown option: '--bogus'").contains("Try 'tally budgets set --help' for usage.");
        Cli.Result hinted = Cli.run("budgets", "set", "--help");
        assertThat(hinted.code()).isZero();
        assertThat(hinted.out()).contains("--soft").contains("--usd=DOLLARS");
    }

    private static CommandLine at(List<String> path) {
        CommandLine cl = Main.commandLine();
        for (String name : path) cl = cl.getSubcommands().get(name);
        return cl;
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private record Captured(Cli.Result result, String stderr) {}

    /** Picocli prints its warnings (e.g. an unescaped '%' in a description) to System.err, not to the command's stream. */
    private static Captured capture(Supplier<Cli.Result> run) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Cli.Result r = run.get();
            return new Captured(r, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }
}
