package tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code tally} command: parses, dispatches to one subcommand, maps failures to exit codes. */
// scope = INHERIT: every subcommand, at any depth (those added later too), gets -h/--help and -V/--version.
// The subcommands are in COMMANDS, not in the annotation, so that one invocation builds only the one it runs.
@Command(name = "tally",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Who spent how many tokens and dollars on Claude, on which model, when.")
public final class Main implements Runnable {

    /** Exit code for bad input of any kind: flags, values, files, an unreachable store. */
    public static final int BAD_INPUT = 2;

    /** Exit code of an import that stored what it could read but skipped lines it could not (each named). */
    public static final int SKIPPED = 3;

    /**
     * The subcommands by name, in the order help lists them. Each name is its class's own (tested): choosing the
     * command by it reads no annotation, where reading all of them cost a short command ~5% of its start.
     */
    static final Map<String, Class<?>> COMMANDS = byName();

    private static Map<String, Class<?>> byName() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("help", HelpCommand.class);
        commands.put("demo", DemoCommand.class);
        commands.put("report", ReportCommand.class);
        commands.put("top", TopCommand.class);
        commands.put("recent", RecentCommand.class);
        commands.put("tail", TailCommand.class);
        commands.put("statusline", StatuslineCommand.class);
        commands.put("totals", TotalsCommand.class);
        commands.put("record", RecordCommand.class);
        commands.put("people", PeopleCommand.class);
        commands.put("projects", ProjectsCommand.class);
        commands.put("reprice", RepriceCommand.class);
        commands.put("prune", PruneCommand.class);
        commands.put("activity", ActivityCommand.class);
        commands.put("tokens", TokensCommand.class);
        commands.put("prices", PricesCommand.class);
        commands.put("estimate", EstimateCommand.class);
        commands.put("import", ImportCommand.class);
        commands.put("serve", ServeCommand.class);
        commands.put("keys", KeysCommand.class);
        commands.put("budgets", BudgetsCommand.class);
        commands.put("client-config", ClientConfigCommand.class);
        commands.put("export", ExportCommand.class);
        commands.put("reconcile", ReconcileCommand.class);
        commands.put("blocks", BlocksCommand.class);
        commands.put("users", UsersCommand.class);
        commands.put("alerts", AlertsCommand.class);
        return Collections.unmodifiableMap(commands);
    }

    /** Commands that price records with the bundled catalog: it is read ahead for them (~40 ms of CPU, Jackson's). */
    private static final java.util.Set<Class<?>> PRICING =
            java.util.Set.of(EstimateCommand.class, PricesCommand.class, RepriceCommand.class, RecordCommand.class);

    /** The commands that group subcommands (each one's annotation lists them; tested). */
    static final java.util.Set<Class<?>> GROUPINGS = java.util.Set.of(AlertsCommand.class, BudgetsCommand.class,
            ImportCommand.class, KeysCommand.class, PeopleCommand.class, ProjectsCommand.class, TokensCommand.class,
            UsersCommand.class);

    /** Commands that open no store: no driver to load ahead for them (estimate opens one only with --compare). */
    private static final java.util.Set<Class<?>> STORELESS =
            java.util.Set.of(PricesCommand.class, UsersCommand.class, AlertsCommand.class);

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // Picocli's default factory otherwise probes for Groovy's Closure class first: a class-path miss that
        // searches the whole 23,000-entry jar on the main thread (~20 ms of a short command). Tally has no Groovy.
        if (System.getProperty("picocli.disable.closures") == null) System.setProperty("picocli.disable.closures", "true");
        openTheJarAhead(asksTheZone(args), COMMANDS.get(CommandChoice.firstWord(args)));
        Logging.configure();
        System.exit(runOpeningAhead(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one invocation as {@link #main} does: its embedded store (or driver) opened on another thread meanwhile. */
    static int runOpeningAhead(String[] args, PrintWriter out, PrintWriter err) {
        java.util.Optional<Class<?>> command = CommandChoice.named(args, COMMANDS);
        StoreAhead ahead = command.isPresent() && opensTheEmbeddedStore(command.get(), args)
                ? StoreAhead.start(command.get(), args) : null;
        int code = run(args, out, err, ahead);
        if (ahead != null) ahead.closeUnlessTaken();
        return code;
    }

    /**
     * Opens the jar (reads its directory of 23,000 entries, 10-20 ms) on another core while picocli starts:
     * the main thread needs it soon (picocli looks for Groovy's Closure class, which no archive can answer;
     * the migrations are read from it) and otherwise opened it itself. The class loader opens it once.
     * Then reads the system's time zone (the zone database, ~8-13 ms of CPU), which every report asks for;
     * not for the commands that never ask (prices, users, alerts, help), which it only slowed. Last, for a
     * command that prices, the bundled price catalog, which the main thread would otherwise read after picocli.
     */
    static void openTheJarAhead(boolean readZone, Class<?> command) {
        Thread open = new OpenTheJar(readZone, command);
        open.setDaemon(true);
        open.start();
    }

    /** Whether the command may ask the time zone: any but the storeless ones and help (read by name, no annotation). */
    static boolean asksTheZone(String[] args) {
        Class<?> c = COMMANDS.get(CommandChoice.firstWord(args));
        return c != null && c != HelpCommand.class && !STORELESS.contains(c);
    }

    /** A class rather than a lambda: the first lambda of the run links the invokedynamic machinery (~6 ms). */
    private static final class OpenTheJar extends Thread {
        private final boolean readZone;
        private final Class<?> command; // or null
        private final boolean readPrices;

        OpenTheJar(boolean readZone, Class<?> command) {
            super("open-jar");
            this.readZone = readZone;
            this.command = command;
            this.readPrices = readsPricesAhead(command);
        }

        @Override
        public void run() {
            Main.class.getClassLoader().getResource("META-INF/MANIFEST.MF");
            if (command != null) readAnnotations(command);
            if (readZone) java.time.ZoneId.systemDefault();
            if (readPrices) readPrices();
        }

        /** The bundled catalog read once, here; if that fails the command reads it itself and says why. */
        private static void readPrices() {
            try {
                tally.pricing.PriceCatalog.bundled();
            } catch (RuntimeException | LinkageError ignored) {
                // the command's own read reports it
            }
        }

        /**
         * Parses the annotations picocli will read of this command, its mixins and subcommands (the JDK keeps
         * them): while the main thread builds the root, this one does the subcommand's share.
         */
        private static void readAnnotations(Class<?> c) {
            Command command = c.getAnnotation(Command.class);
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getAnnotations().length > 0 && f.isAnnotationPresent(Mixin.class)) readAnnotations(f.getType());
            }
            if (command != null) for (Class<?> sub : command.subcommands()) readAnnotations(sub);
        }
    }

    /** Whether the bundled price catalog is read ahead for this command (null: none named): those that price do. */
    static boolean readsPricesAhead(Class<?> command) {
        return command != null && PRICING.contains(command);
    }

    /** Whether this command will open the embedded store (so its driver is worth loading ahead, beside picocli's work). */
    static boolean opensTheEmbeddedStore(Class<?> command, String[] args) {
        if (CommandChoice.choosesPostgres(args)) return false;
        if (command == EstimateCommand.class) return java.util.Arrays.asList(args).contains("--compare");
        return !STORELESS.contains(command);
    }

    /** Runs one invocation with the given streams; returns the exit code. Tests call this directly. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, null);
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, with the store being opened ahead (or null). */
    static int run(String[] args, PrintWriter out, PrintWriter err, StoreAhead ahead) {
        CommandLine cli = commandLine(args);
        ((Main) cli.getCommand()).global.ahead = ahead;
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(new OnFailure());
        cli.setParameterExceptionHandler(new OnBadArguments());
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The whole command tree: what help, an unknown command or a bare {@code tally} needs. */
    static CommandLine commandLine() {
        return withSubcommands(COMMANDS.values());
    }

    /**
     * The tree one invocation needs: the root and only the subcommand the arguments name, when they
     * plainly name one. Picocli reads every command's annotations by reflection when it builds it, a
     * third of a short command's start-up for the whole tree; anything unusual gets the whole tree.
     */
    static CommandLine commandLine(String[] args) {
        if (CommandChoice.onlyTheRoot(args)) return withOutlines(COMMANDS.values());
        java.util.Optional<Class<?>> named = CommandChoice.named(args, COMMANDS); // no lambda here: see OpenTheJar
        if (named.isEmpty()) return commandLine();
        Class<?> leaf = onlyChild(named.get(), CommandChoice.wordAfterTheCommand(args));
        return leaf != null ? withOneLeaf(named.get(), leaf) : withSubcommands(List.of(named.get()));
    }

    /**
     * The subcommand of {@code parent} (budgets, import, keys…) the next word names, where the parent is a
     * plain grouping (no options or mixins of its own, only its subcommands); else null. Only that one is
     * then built: {@code budgets list} built its three siblings' options too, 70 of the 120 ms picocli took.
     */
    private static Class<?> onlyChild(Class<?> parent, String word) {
        // by class first: the first annotation read on this thread costs 20-30 ms, which a report must not pay
        if (word == null || !GROUPINGS.contains(parent)) return null;
        Command command = parent.getAnnotation(Command.class);
        if (command == null || !plainGrouping(parent)) return null;
        for (Class<?> sub : command.subcommands()) {
            Command c = sub.getAnnotation(Command.class);
            if (c != null && (c.name().equals(word) || java.util.Arrays.asList(c.aliases()).contains(word))) return sub;
        }
        return null;
    }

    private static boolean plainGrouping(Class<?> parent) {
        for (java.lang.reflect.Field f : parent.getDeclaredFields()) {
            for (java.lang.annotation.Annotation a : f.getAnnotations()) {
                if (!(a instanceof CommandLine.Spec)) return false; // an option, a mixin, a group: build it all
            }
        }
        return true;
    }

    /** The root, {@code parent} as a bare grouping (its name and description, no reflection), and one leaf under it. */
    private static CommandLine withOneLeaf(Class<?> parent, Class<?> leaf) {
        Command command = parent.getAnnotation(Command.class);
        CommandLine.Model.CommandSpec group = CommandLine.Model.CommandSpec.wrapWithoutInspection(parent)
                .name(command.name()).aliases(command.aliases());
        group.usageMessage().description(command.description());
        CommandLine grouping = new CommandLine(group);
        grouping.addSubcommand(leaf);
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand(command.name(), grouping, command.aliases());
        return cli.setAllowSubcommandsAsOptionParameters(true);
    }

    /**
     * The root over outlines of the subcommands: each one's name, aliases and description, read from its
     * annotation. That is all the root's usage shows of them, and it costs a fraction of building each
     * subcommand (every option and mixin, by reflection): for {@code tally}, {@code --help}, {@code --version}.
     */
    private static CommandLine withOutlines(Collection<Class<?>> commands) {
        CommandLine cli = new CommandLine(new Main());
        // The root's options are not handed down to the outlines (never run, only listed): each would
        // otherwise build its own -h/-V by reflection, ~30 ms for the forty.
        cli.getCommandSpec().scopeType(ScopeType.LOCAL);
        for (Class<?> c : commands) {
            Command command = c.getAnnotation(Command.class);
            CommandLine.Model.CommandSpec outline = CommandLine.Model.CommandSpec.create()
                    .name(command.name()).aliases(command.aliases());
            outline.usageMessage().header(command.header()).description(command.description()).hidden(command.hidden());
            cli.addSubcommand(command.name(), new CommandLine(outline), command.aliases());
        }
        return cli.setAllowSubcommandsAsOptionParameters(true);
    }

    private static CommandLine withSubcommands(Collection<Class<?>> commands) {
        CommandLine cli = new CommandLine(new Main());
        for (Class<?> c : commands) cli.addSubcommand(c);
        // `--data demo` names a folder, even though `demo` is also a command (set after adding: it applies to subcommands).
        return cli.setAllowSubcommandsAsOptionParameters(true);
    }

    // The two handlers are classes, not lambdas: a lambda's proxy gets picocli's handler interfaces (Java 5
    // bytecode) linked while the class-data archive is made, which leaves them and picocli's own handlers out
    // of it; each start then opened the 23,000-entry jar to load them (~20 ms of the main thread).

    /** A command's failure: bad input is one line and exit 2; anything else an internal error, exit 1. */
    private static final class OnFailure implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            Throwable cause = ex;
            if (cause instanceof UserError || cause instanceof IllegalArgumentException
                    || cause instanceof tally.store.StoreException) {
                commandLine.getErr().println("tally: " + cause.getMessage());
                return BAD_INPUT;
            }
            commandLine.getErr().println("tally: internal error: " + cause);
            return 1;
        }
    }

    /** Arguments picocli refuses: the reason and where to find the usage, exit 2. */
    private static final class OnBadArguments implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("tally: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return BAD_INPUT;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tally " + (v == null ? "dev" : v)};
        }
    }
}
