package tally.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Leadership among replicas on one PostgreSQL: the leader holds a session advisory lock (keyed by
 * the schema, so deployments sharing a database do not collide) on a connection of its own. When the
 * leader dies its connection closes and PostgreSQL frees the lock; another replica, trying every
 * {@code every}, takes it within that. A leader whose connection stops answering (within its socket
 * timeout) steps down at once, before the server can have freed the lock for someone else.
 * Needs a direct connection (or session pooling): a transaction pooler would drop the lock.
 */
public final class AdvisoryLeadership implements Leadership {
    private static final Logger LOG = Logger.getLogger(AdvisoryLeadership.class.getName());
    private static final String KEY = "hashtext(current_schema() || ':tally-leader')";

    private final StoreConfig.Jdbc jdbc;
    private final ScheduledExecutorService thread;
    private final List<Runnable[]> gated = new CopyOnWriteArrayList<>();
    private volatile boolean leading;
    private Connection held;

    public AdvisoryLeadership(Store store, Duration every) {
        this.jdbc = store.config().jdbc();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-leadership");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::check, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Tries for the lock, or checks the connection that holds it still answers. On the leadership thread. */
    private void check() {
        try {
            if (held == null) held = connect();
            if (!leading) {
                if (tryLock()) become(true);
            } else {
                try (Statement s = held.createStatement()) {
                    s.execute("SELECT 1");
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (leading) LOG.warning("leadership: lost the store (" + e.getMessage() + "); stepping down");
            closeHeld();
            if (leading) become(false);
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.putAll(jdbc.properties());
        p.setProperty("socketTimeout", "5");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "tally-leadership");
        return DriverManager.getConnection(jdbc.url(), p);
    }

    private boolean tryLock() throws SQLException {
        try (Statement s = held.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private void become(boolean lead) {
        leading = lead;
        LOG.info(lead ? "leadership: this replica now leads" : "leadership: this replica no longer leads");
        for (Runnable[] g : gated) {
            try {
                g[lead ? 0 : 1].run();
            } catch (RuntimeException e) {
                LOG.warning("leadership: a component failed to " + (lead ? "start" : "stop") + ": " + e.getMessage());
            }
        }
    }

    @Override
    public boolean leading() {
        return leading;
    }

    @Override
    public void whileLeading(Runnable start, Runnable stop) {
        thread.execute(() -> {
            gated.add(new Runnable[] {start, stop});
            if (leading) start.run();
        });
    }

    @Override
    public String role() {
        return leading ? "leader" : "follower";
    }

    /** Stops whatever leads here, then frees the lock at once, so another replica takes over within one try. */
    @Override
    public void close() {
        try {
            thread.submit(() -> {
                if (leading) become(false);
                closeHeld();
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warning("leadership: could not step down cleanly: " + e.getMessage());
        }
        thread.shutdownNow();
    }

    private void closeHeld() {
        if (held == null) return;
        try {
            held.close(); // the session ends: PostgreSQL frees its advisory lock
        } catch (SQLException ignored) {
            // already gone
        }
        held = null;
    }
}
