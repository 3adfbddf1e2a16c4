package tally.store;

import org.duckdb.DuckDBConnection;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DuckDB connections kept between uses, each with its prepared statements. DuckDB 1.5 spends 0.2–4 ms
 * preparing one of the ledger's generated queries (more the more joins), a good part of a dashboard
 * call made of several. A borrowed connection that only prepared and ran statements goes back to the
 * pool with them; one that began a transaction or ran a plain statement (a write, its temp tables, a
 * setting) is closed as before, so nothing of a write outlives it.
 */
final class ReadingConnections implements AutoCloseable {
    private static final int IDLE = 8;
    private static final int STATEMENTS = 32;

    private final DuckDBConnection root;
    private final Deque<Kept> idle = new ArrayDeque<>();
    private boolean closed;

    ReadingConnections(DuckDBConnection root) {
        this.root = root;
    }

    /** A connection to use and close; its close returns it here when it stayed a reader. */
    Connection borrow() throws SQLException {
        Kept kept;
        synchronized (this) {
            if (closed) throw new SQLException("the store is closed");
            kept = idle.pollFirst();
        }
        if (kept == null) kept = new Kept((DuckDBConnection) root.duplicate());
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Borrowed(kept));
    }

    private void giveBack(Kept kept) {
        synchronized (this) {
            if (!closed && idle.size() < IDLE) {
                idle.addFirst(kept);
                return;
            }
        }
        kept.close();
    }

    /** How many connections wait to be borrowed again. */
    synchronized int idle() {
        return idle.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        Kept k;
        while ((k = poll()) != null) k.close();
    }

    private synchronized Kept poll() {
        return idle.pollFirst();
    }

    /** A connection and its statements, least recently used first. */
    private static final class Kept {
        final DuckDBConnection connection;
        final LinkedHashMap<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true);

        Kept(DuckDBConnection connection) {
            this.connection = connection;
        }

        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps != null) {
                ps.clearParameters();
                return ps;
            }
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
            if (statements.size() > STATEMENTS) {
                Iterator<Map.Entry<String, PreparedStatement>> eldest = statements.entrySet().iterator();
                closeQuietly(eldest.next().getValue());
                eldest.remove();
            }
            return ps;
        }

        void forget(String sql) {
            closeQuietly(statements.remove(sql));
        }

        void close() {
            statements.values().forEach(Kept::closeQuietly);
            statements.clear();
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort, as for any connection
            }
        }

        private static void closeQuietly(AutoCloseable c) {
            if (c == null) return;
            try {
                c.close();
            } catch (Exception ignored) {
                // a statement being dropped
            }
        }
    }

    /** One borrowing: statements from the cache, and close gives the connection back while it stayed a reader. */
    private final class Borrowed implements InvocationHandler {
        private final Kept kept;
        private boolean reader = true;
        private boolean done;

        Borrowed(Kept kept) {
            this.kept = kept;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            String name = m.getName();
            switch (name) {
                case "close":
                    if (!done) release();
                    return null;
                case "isClosed":
                    return done || kept.connection.isClosed();
                case "prepareStatement":
                    if (done) throw new SQLException("connection is closed");
                    if (reader && args.length == 1) return statement((String) args[0]);
                    reader = false;
                    break;
                case "setAutoCommit":
                    if (!(Boolean) args[0]) reader = false;
                    break;
                case "createStatement", "prepareCall", "unwrap", "setReadOnly", "setCatalog", "setSchema",
                     "setTransactionIsolation":
                    reader = false;
                    break;
                default:
                    break;
            }
            if (done) throw new SQLException("connection is closed");
            try {
                return m.invoke(kept.connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private void release() {
            done = true;
            if (reader) giveBack(kept);
            else kept.close();
        }

        /** The cached statement, behind a face whose close keeps it (and whose failure drops it). */
        private PreparedStatement statement(String sql) throws SQLException {
            PreparedStatement ps = kept.prepare(sql);
            return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                        if (m.getName().equals("close")) return null;
                        try {
                            return m.invoke(ps, a);
                        } catch (InvocationTargetException e) {
                            kept.forget(sql); // a statement that failed once is prepared afresh next time
                            throw e.getCause();
                        }
                    });
        }
    }
}
