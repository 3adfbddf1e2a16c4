package tally.importers.bedrock;

import tally.importers.ImportSummary;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code serve --bedrock-logs}: pulls each source (a CloudWatch log group, an S3 prefix) on a
 * schedule, each pull starting where the last stopped. A start/stop component of its own, so a
 * fleet can run it on its leader only. A failed pull is logged and tried again next round; it never
 * stops the server.
 */
public final class BedrockLogPoller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BedrockLogPoller.class.getName());

    /** One pull of a source. */
    @FunctionalInterface
    public interface Pull {
        ImportSummary run() throws Exception;
    }

    /** One source: what it is called in the log, and how to pull it. */
    public record Source(String name, Pull pull) {}

    private final List<Source> sources;
    private final Duration every;
    private ScheduledExecutorService timer;

    public BedrockLogPoller(List<Source> sources, Duration every) {
        if (every.isNegative() || every.isZero()) throw new IllegalArgumentException("--bedrock-logs-every must be positive");
        this.sources = List.copyOf(sources);
        this.every = every;
    }

    /** Pulls now, then every interval after the previous round ends. */
    public synchronized void start() {
        if (timer != null || sources.isEmpty()) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-bedrock-logs");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round over every source; returns how many pulls succeeded. */
    public int round() {
        int ok = 0;
        for (Source s : sources) {
            try {
                ImportSummary r = s.pull().run();
                ok++;
                if (r.added() > 0 || r.malformed() > 0) {
                    LOG.info("bedrock logs " + s.name() + ": " + r.added() + " records added, " + r.duplicates()
                            + " duplicates, " + r.malformed() + " malformed" + (r.malformedFirst().isEmpty() ? "" : " (" + r.malformedFirst().get(0) + ")"));
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "bedrock logs " + s.name() + ": pull failed, trying again in " + every + ": " + e.getMessage());
            }
        }
        return ok;
    }

    /** Stops polling; a pull in progress finishes its page (its records and offset are written together). */
    @Override
    public synchronized void close() {
        if (timer == null) return;
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) timer.shutdownNow();
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        timer = null;
    }
}
