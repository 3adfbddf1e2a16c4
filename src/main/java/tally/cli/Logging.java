package tally.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * One-line log records on stderr; the connection pool's chatter only when something is wrong.
 *
 * <p>Set up lazily: java.util.logging reads its configuration the first time anything asks for a
 * logger, and {@link Config} is that configuration. A command that asks for none never starts the log
 * manager (~20 ms of a ~250 ms command); one on the embedded store does, as DuckDB's driver asks for a
 * logger when it connects (~8 ms, on the thread that opens the store). A user's own
 * {@code java.util.logging.config.file} or {@code .class} wins.
 */
final class Logging {
    private static final String SETTINGS = String.join("\n",
            "handlers=java.util.logging.ConsoleHandler",
            ".level=INFO",
            "java.util.logging.ConsoleHandler.level=INFO",
            "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
            "java.util.logging.SimpleFormatter.format=%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n",
            "com.zaxxer.hikari.level=WARNING",
            "org.postgresql.level=WARNING");

    private Logging() {}

    static void configure() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            System.setProperty("java.util.logging.config.class", Config.class.getName());
        }
    }

    /** Instantiated by the log manager when it starts (see {@code java.util.logging.config.class}). */
    public static final class Config {
        public Config() {
            try {
                LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(SETTINGS.getBytes(StandardCharsets.ISO_8859_1)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
