package tally.store;

/**
 * Which replica of a fleet runs the work that must happen once (alert evaluation, scheduled reports,
 * log polling). A single process (DuckDB) always leads; replicas on PostgreSQL take turns through an
 * advisory lock ({@link AdvisoryLeadership}).
 */
public interface Leadership extends AutoCloseable {

    /** Whether this process leads now. */
    boolean leading();

    /**
     * Runs {@code start} each time this process becomes the leader and {@code stop} each time it stops
     * leading (and on close while it leads), so a component runs on one replica at a time.
     * Callbacks run on the leadership's own thread; a process that already leads gets {@code start} at once.
     */
    void whileLeading(Runnable start, Runnable stop);

    /** "leader", "follower", or "single" for a process that is the whole deployment. */
    String role();

    @Override
    void close();

    /** The whole deployment is this process: it always leads. */
    static Leadership single() {
        return new Leadership() {
            private final java.util.List<Runnable> stops = new java.util.concurrent.CopyOnWriteArrayList<>();

            @Override
            public boolean leading() {
                return true;
            }

            @Override
            public void whileLeading(Runnable start, Runnable stop) {
                stops.add(stop);
                start.run();
            }

            @Override
            public String role() {
                return "single";
            }

            @Override
            public void close() {
                stops.forEach(Runnable::run);
                stops.clear();
            }
        };
    }
}
