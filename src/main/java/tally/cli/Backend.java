package tally.cli;

import tally.app.Op;
import tally.server.ServerFile;

import java.util.Optional;

/**
 * Where a command's use cases run: here, on a store this process opens, or in the running
 * {@code tally serve} that owns the embedded data directory (DuckDB admits one process), through its
 * REST API. Either way the command sends the same typed request and gets the same typed result.
 */
interface Backend extends AutoCloseable {
    <Q, R> R call(Op<Q, R> op, Q request);

    @Override
    void close();

    /** Read-write: the server's when one owns the data, else the store opened here. */
    static Backend open(GlobalOptions g) {
        return on(server(g), g, false);
    }

    /**
     * For commands that price with this process's catalog (record, reprice, estimate --compare): as
     * {@link #open} or {@link #openForReading}, but a {@code --prices} file cannot reach a running server,
     * which prices with its own catalog, so one it was not started with is refused rather than silently ignored.
     */
    static Backend openPricing(GlobalOptions g, boolean reading) {
        Optional<ServerFile> server = server(g);
        if (server.isPresent() && g.pricesFile() != null && !samePrices(g.pricesFile(), server.get())) {
            throw new UserError("--prices " + g.pricesFile() + " cannot apply: the running tally serve (pid " + server.get().pid()
                    + ", " + server.get().baseUrl() + ") owns " + g.dataDir() + " and prices with its own catalog; "
                    + "restart it with this --prices file, or stop it and run this again");
        }
        return on(server, g, reading);
    }

    /** Whether the server prices with this very file (same bytes); an unreadable file is the catalog's to report. */
    private static boolean samePrices(java.nio.file.Path prices, ServerFile server) {
        try {
            return ServerFile.sha256(prices).equals(server.pricesSha256());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** For commands that only read (an absent default store is a clear error, not an empty report). */
    static Backend openForReading(GlobalOptions g) {
        return on(server(g), g, true);
    }

    /** The server's use cases when one owns the data, else a session opened here (for reading: an absent store is an error). */
    private static Backend on(Optional<ServerFile> server, GlobalOptions g, boolean reading) {
        // no lambdas on a command's start: each call site costs its linking
        if (server.isPresent()) return new ServerClient(server.get(), g.ahead != null ? g.ahead.json() : new tally.app.WireJson());
        return new Local(reading ? Session.openForReading(g) : Session.open(g));
    }

    /** The running server that owns this process's embedded data directory, if any. */
    static Optional<ServerFile> server(GlobalOptions g) {
        if (g.dbUrl() != null) return Optional.empty(); // PostgreSQL is shared by nature
        return ServerFile.readLive(g.dataDir().toAbsolutePath().normalize());
    }

    /** The use cases in this process, on a session it opened and closes. */
    final class Local implements Backend {
        private final Session session;

        Local(Session session) {
            this.session = session;
        }

        @Override
        public <Q, R> R call(Op<Q, R> op, Q request) {
            return op.run(session.app(), request);
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
