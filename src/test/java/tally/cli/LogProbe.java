package tally.cli;

import java.util.logging.Logger;

/** A program that logs as Tally's parts do, set up as {@link Main} sets up logging (for {@link LoggingTest}). */
final class LogProbe {
    private LogProbe() {}

    public static void main(String[] args) {
        Logging.configure();
        Logger.getLogger("com.zaxxer.hikari.pool.HikariPool").info("pool starting");
        Logger.getLogger("com.zaxxer.hikari.pool.HikariPool").warning("pool trouble");
        Logger.getLogger("org.postgresql.Driver").info("driver chatter");
        Logger.getLogger("tally.ingest.IngestWriter").info("spool replayed");
    }
}
