package tally.store;

/**
 * What one write did: records added, records dropped because they were already stored (same id, or
 * the same provider request from an equal or higher-precedence source), and stored records replaced
 * by a higher-precedence report of the same request.
 */
public record WriteResult(long added, long duplicates, long superseded) {
    public static final WriteResult NONE = new WriteResult(0, 0, 0);

    public WriteResult plus(WriteResult o) {
        return new WriteResult(added + o.added, duplicates + o.duplicates, superseded + o.superseded);
    }
}
