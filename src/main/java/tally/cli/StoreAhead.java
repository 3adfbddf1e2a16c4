package tally.cli;

import tally.app.WireJson;
import tally.server.ServerFile;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded store opened on another core while picocli builds the command (DuckDB's library, its
 * start and connect, the migrations check: 60-80 ms of CPU in a ~300 ms reading command), handed to
 * the command's {@link Session} when it asks for the same data directory. Opened only where the
 * command would open that very store itself: a reading command, no PostgreSQL, no help or version
 * asked, the store's file already there (so nothing is created ahead) and no server owning it; with a
 * server owning it, nothing of DuckDB is loaded and the JSON codec the call to the server needs is
 * made instead. Any failure is dropped here: the command then opens the store itself, as before, and
 * reports the same refusal.
 */
final class StoreAhead extends Thread {
    /** The commands that open the embedded store whenever they run (estimate only with --compare, see Main). */
    private static final Set<Class<?>> READING = Set.of(ReportCommand.class, TopCommand.class, RecentCommand.class,
            TotalsCommand.class, ActivityCommand.class, BlocksCommand.class, ExportCommand.class, ReconcileCommand.class,
            EstimateCommand.class, StatuslineCommand.class, BudgetsCommand.class, PeopleCommand.class,
            ProjectsCommand.class, KeysCommand.class);

    private static final Set<String> NO_RUN = Set.of("-h", "--help", "-V", "--version");

    private final Path dataDir; // null: only the driver is loaded ahead
    private Store store;
    private WireJson json; // made here when a server owns the data
    private boolean taken;

    private StoreAhead(Path dataDir) {
        super("store-ahead");
        setDaemon(true);
        this.dataDir = dataDir;
    }

    /** Starts loading the driver, and opening the store where {@link #dataDirToOpen} names one. */
    static StoreAhead start(Class<?> command, String[] args) {
        StoreAhead ahead = new StoreAhead(dataDirToOpen(command, args).orElse(null));
        ahead.start();
        return ahead;
    }

    /**
     * The data directory this command will open, by the same rule as {@link GlobalOptions#dataDir()}; empty
     * when it may not open one or the arguments leave it in doubt (--data twice, help asked).
     */
    static Optional<Path> dataDirToOpen(Class<?> command, String[] args) {
        if (!READING.contains(command) || !Main.opensTheEmbeddedStore(command, args)) return Optional.empty();
        GlobalOptions g = new GlobalOptions();
        int given = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (NO_RUN.contains(a)) return Optional.empty();
            if (a.equals("--data") && i + 1 < args.length) {
                g.data = Path.of(args[++i]);
                given++;
            } else if (a.startsWith("--data=")) {
                g.data = Path.of(a.substring("--data=".length()));
                given++;
            }
        }
        return given > 1 ? Optional.empty() : Optional.of(g.dataDir().toAbsolutePath().normalize());
    }

    @Override
    public void run() {
        if (dataDir != null && ServerFile.readLive(dataDir).isPresent()) {
            // A server owns the data: the command will ask it, in JSON. No driver to load; the JSON codec instead.
            json = WireJson.warmed();
            return;
        }
        Store.loadEmbeddedDriver();
        if (dataDir == null || !Store.embeddedExists(dataDir)) return;
        try {
            store = Store.open(StoreConfig.embedded(dataDir));
        } catch (RuntimeException e) {
            // locked, unreadable, anything: the command opens it itself and says why
        }
    }

    /** The store opened ahead, once, if it is the embedded one of this configuration. */
    Optional<Store> take(StoreConfig config) {
        finish();
        if (store == null || taken || config.isPostgres()
                || !config.dataDir().toAbsolutePath().normalize().equals(dataDir)) {
            return Optional.empty();
        }
        taken = true;
        return Optional.of(store);
    }

    /** The JSON codec for a call to the server, made ahead if a server owned the data when this thread looked. */
    WireJson json() {
        finish();
        return json != null ? json : new WireJson();
    }

    /** Whether a command took the store opened ahead. */
    boolean taken() {
        finish();
        return taken;
    }

    /** Closes the store if no command took it (bad arguments, another directory after all). */
    void closeUnlessTaken() {
        finish();
        if (store != null && !taken) store.close();
    }

    private void finish() {
        boolean interrupted = false;
        while (isAlive()) {
            try {
                join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
