package tally.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One-line log records on stderr; the connection pool's chatter only when something is wrong. */
final class Logging {
    private Logging() {}

    static void configure() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        Logger.getLogger("com.zaxxer.hikari").setLevel(Level.WARNING);
        Logger.getLogger("org.postgresql").setLevel(Level.WARNING);
    }
}
