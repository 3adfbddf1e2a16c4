package tally.alerts;

import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/** The server's log: always there, so an alert is never lost for want of a configured channel. */
public final class LogChannel implements Channel {
    private static final Logger LOG = Logger.getLogger("tally.alerts");
    private final String name;

    public LogChannel(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Void> send(Notification n) {
        StringBuilder line = new StringBuilder("[").append(n.type().label()).append("] ").append(n.title()).append(": ").append(n.text());
        if (n.preformatted() != null) line.append('\n').append(n.preformatted());
        LOG.warning(line.toString());
        return CompletableFuture.completedFuture(null);
    }
}
