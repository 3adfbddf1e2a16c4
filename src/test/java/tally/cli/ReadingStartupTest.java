package tally.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tally.TestJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command that reads a report starts only what it needs, so that it answers in well under 300 ms:
 * picocli builds the one subcommand the arguments name, not the whole tree; a table on the embedded
 * store loads none of the server (Vert.x, Netty), the cloud clients (AWS SDK), OpenTelemetry, the
 * PostgreSQL pool and driver or a Jackson object mapper (each of them tens of milliseconds of start-up). No timing
 * here: the real command runs in its own JVM and its class-loading log says what it started.
 */
class ReadingStartupTest {
    /** Packages a table report on the embedded store has no use for. */
    static final List<String> NOT_FOR_A_TABLE = List.of("io.vertx.", "io.netty.", "software.amazon.", "io.opentelemetry.",
            "com.zaxxer.hikari.", "org.postgresql.", "com.fasterxml.jackson.databind.ObjectMapper", "tally.pricing.CatalogReader");

    @TempDir Path dir;

    @Test
    void tableReportsLoadNoServerCloudOrJsonClasses() throws Exception {
        Path data = dir.resolve("data");
        assertThat(Cli.run("--data", data.toString(), "record", "--user", "alice", "--model", "claude-sonnet-4-5",
                "--input", "1200", "--output", "300", "--id", "r1").code()).isZero();
        for (List<String> command : List.of(List.of("report"), List.of("recent"), List.of("people", "list"))) {
            List<String> loaded = classesLoaded(data, command);
            assertThat(loaded).as("tally " + command + " ran and logged its classes").contains("tally.cli.Main");
            for (String unwanted : NOT_FOR_A_TABLE) {
                assertThat(loaded).as("tally " + command + " loads nothing of " + unwanted)
                        .noneMatch(c -> c.startsWith(unwanted));
            }
        }
    }

    @Test
    void picocliDoesNotSearchTheJarForGroovy() throws Exception {
        // Its default factory otherwise asks for groovy.lang.Closure: a miss that searches the whole jar on the main thread.
        List<String> cmd = TestJvm.command(dir, List.of("-Dpicocli.trace=INFO"), Main.class,
                "--data", dir.resolve("data").toString(), "--version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("groovy Closures in annotations are disabled");
    }

    @Test
    void jsonReportsAndThePriceCatalogSetUpNoObjectMapper() throws Exception {
        Path data = dir.resolve("data");
        assertThat(Cli.run("--data", data.toString(), "record", "--user", "alice", "--model", "claude-sonnet-4-5",
                "--input", "1200", "--output", "300", "--id", "r1").code()).isZero();
        for (List<String> command : List.of(List.of("report", "--format", "json"), List.of("top", "--format", "json"),
                List.of("prices"), List.of("estimate", "--model", "claude-sonnet-4-5", "--input", "5", "--output", "2", "--format", "json"))) {
            assertThat(classesLoaded(data, command)).as("tally " + command)
                    .contains("tally.cli.Main").doesNotContain("com.fasterxml.jackson.databind.ObjectMapper");
        }
    }

    @Test
    void theEmbeddedDriverIsLoadedAheadForExactlyTheCommandsThatOpenTheStore() {
        assertThat(Main.opensTheEmbeddedStore(ReportCommand.class, new String[] {"report"})).isTrue();
        assertThat(Main.opensTheEmbeddedStore(EstimateCommand.class,
                new String[] {"estimate", "--compare", "claude-haiku-4-5"})).isTrue();
        assertThat(Main.opensTheEmbeddedStore(EstimateCommand.class, new String[] {"estimate", "--model", "m"})).isFalse();
        assertThat(Main.opensTheEmbeddedStore(PricesCommand.class, new String[] {"prices"})).isFalse();
        assertThat(Main.opensTheEmbeddedStore(ReportCommand.class, new String[] {"--db", "postgresql://h/db", "report"})).isFalse();
    }

    @Test
    void theTimeZoneIsReadAheadOnlyForCommandsThatMayAskIt() {
        assertThat(Main.asksTheZone(new String[] {"report"})).isTrue();
        assertThat(Main.asksTheZone(new String[] {"--data", "d", "blocks"})).isTrue();
        assertThat(Main.asksTheZone(new String[] {"estimate", "--model", "m"})).isTrue();
        for (String[] args : List.of(new String[] {"prices"}, new String[] {"--tz=UTC", "users", "list"},
                new String[] {"alerts"}, new String[] {"help", "report"}, new String[] {"--help"}, new String[] {})) {
            assertThat(Main.asksTheZone(args)).as(String.join(" ", args)).isFalse();
        }
    }

    @Test
    void thePriceCatalogIsReadAheadOnlyForCommandsThatPrice() {
        for (Class<?> c : List.of(EstimateCommand.class, PricesCommand.class, RepriceCommand.class, RecordCommand.class)) {
            assertThat(Main.readsPricesAhead(c)).as(c.getSimpleName()).isTrue();
        }
        for (Class<?> c : List.of(ReportCommand.class, TopCommand.class, RecentCommand.class, PeopleCommand.class, HelpCommand.class)) {
            assertThat(Main.readsPricesAhead(c)).as("%s: a table loads no catalog", c.getSimpleName()).isFalse();
        }
        assertThat(Main.readsPricesAhead(null)).isFalse();
    }

    @Test
    void theHelpCommandIsTheOnlyOneThatWalksTheTree() {
        // CommandChoice tells it by class, without reading annotations on the main thread
        Main.COMMANDS.forEach((name, c) -> assertThat(c.getAnnotation(CommandLine.Command.class).helpCommand())
                .as(name).isEqualTo(c == HelpCommand.class));
        assertThat(CommandChoice.named(new String[] {"help", "report"}, Main.COMMANDS)).isEmpty();
    }

    @Test
    void anInvocationBuildsOnlyTheCommandItNames() {
        assertThat(Main.commandLine(new String[] {"--data", "demo", "report", "--by", "model"}).getSubcommands())
                .containsOnlyKeys("report");
        assertThat(Main.commandLine(new String[] {"--tz=UTC", "people", "list"}).getSubcommands()).containsOnlyKeys("people");
        assertThat(Main.commandLine(new String[] {"--data", "report", "totals"}).getSubcommands()).containsOnlyKeys("totals");
        assertThat(Main.commandLine(new String[] {"--tz=UTC", "people", "list"}).getSubcommands().get("people")
                .getSubcommands()).as("a grouping's siblings are left out too").containsOnlyKeys("list");
        assertThat(Main.commandLine(new String[] {"users", "list"}).getSubcommands().get("users").getSubcommands())
                .as("a grouping with options of its own is built whole").hasSize(3);
    }

    @Test
    void theGroupingsAreTheCommandsWithSubcommands() {
        Main.COMMANDS.forEach((name, c) -> assertThat(Main.GROUPINGS.contains(c)).as(name)
                .isEqualTo(c.getAnnotation(CommandLine.Command.class).subcommands().length > 0));
    }

    @Test
    void aSubcommandBuiltAloneReadsAndParsesAsInTheWholeTree() {
        CommandLine whole = Main.commandLine();
        for (String[] args : List.of(new String[] {"budgets", "list"}, new String[] {"import", "claude-code"},
                new String[] {"--data", "d", "keys", "list"}, new String[] {"people", "list"}, new String[] {"budgets", "set"})) {
            CommandLine alone = Main.commandLine(args).getSubcommands().get(args[args.length - 2]);
            assertThat(alone.getSubcommands()).containsOnlyKeys(args[args.length - 1]);
            assertThat(alone.getSubcommands().get(args[args.length - 1]).getUsageMessage()).as(String.join(" ", args))
                    .isEqualTo(whole.getSubcommands().get(args[args.length - 2]).getSubcommands().get(args[args.length - 1])
                            .getUsageMessage());
        }
        String data = dir.resolve("d").toString();
        assertThat(Cli.run("--data", data, "record", "--user", "alice", "--model", "claude-sonnet-4-5", "--input", "1",
                "--output", "1", "--id", "r1").code()).isZero();
        assertThat(Cli.run("budgets", "list", "--tz", "UTC", "--data", data).code())
                .as("the root's options still reach the leaf").isZero();
    }

    @Test
    void everyCommandIsChosenByItsOwnName() {
        Main.COMMANDS.forEach((name, c) -> assertThat(c.getAnnotation(CommandLine.Command.class).name()).isEqualTo(name));
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(Main.COMMANDS.keySet());
    }

    @Test
    void helpAnUnknownNameOrAnUnusualOptionGetTheWholeTree() {
        int all = Main.commandLine().getSubcommands().size();
        for (String[] args : List.of(new String[] {"help", "report"}, new String[] {"--help"}, new String[] {},
                new String[] {"reprot"}, new String[] {"-v", "report"})) {
            assertThat(Main.commandLine(args).getSubcommands()).as(String.join(" ", args)).hasSize(all);
        }
        assertThat(Cli.run("help", "budgets", "set").out()).startsWith("Usage: tally budgets set ");
    }

    @Test
    void theRootsHelpReadsOutlinesOfTheCommandsAndPrintsWhatTheWholeTreeWould() {
        String whole = Main.commandLine().getUsageMessage();
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {}, new String[] {"--data", "x", "--help"},
                new String[] {"--tz=UTC"})) {
            CommandLine root = Main.commandLine(args);
            assertThat(root.getSubcommands().get("report").getCommandSpec().userObject())
                    .as("report only outlined (no command object) for " + List.of(args)).isNull();
            assertThat(root.getUsageMessage()).as(List.of(args).toString()).isEqualTo(whole);
        }
        assertThat(Cli.run("--help").out()).isEqualTo(whole);
        assertThat(Cli.run().out()).isEqualTo(whole);
        assertThat(Cli.run("--version").out()).startsWith("tally ");
    }

    /** Runs {@code tally --data DATA COMMAND…} in a JVM of its own and returns the classes it loaded. */
    private List<String> classesLoaded(Path data, List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve("classes-" + String.join("-", command) + ".log");
        List<String> cmd = TestJvm.command(dir, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xlog:class+load=info:file=" + log), Main.class, "--data", data.toString());
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("tally " + command + " finished").isTrue();
        assertThat(p.exitValue()).as("tally " + command + " exit code").isZero();
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] parts = line.split(" ");
            if (parts.length > 1) classes.add(parts[1]);
        }
        return classes;
    }
}
