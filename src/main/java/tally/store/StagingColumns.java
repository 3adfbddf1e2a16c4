package tally.store;

/**
 * The ledger's columns in table order: staging is loaded in this order and copied as a whole. The
 * last, {@link #STORED}, is the store's own, not the record's: loaded as null, filled when the record
 * is stored ({@link LedgerWriter#insertStaged}).
 */
final class StagingColumns {
    static final String LIST = "id, ts_ms, source, source_rank, provider, identity, team, project, session_id, "
            + "request_id, model, model_id, input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, "
            + "cache_read_tokens, output_tokens, web_searches, is_batch, is_fast, cost_nanos, catalog_version, "
            + "latency_ms, status, region, inference_geo";
    /** When a record was stored, epoch milliseconds; null on records stored before it was kept. */
    static final String STORED = "stored_ms";
    /** Every staged column by name, {@link #LIST} then {@link #STORED}: the staging table's columns in its order. */
    static final java.util.List<String> ALL = java.util.List.of((LIST + ", " + STORED).split(", "));
    /** When a ledger row (prefix "l." or none) arrived: stored, or for older records their own time. */
    static String arrival(String row) {
        return "COALESCE(" + row + STORED + ", " + row + "ts_ms)";
    }

    private StagingColumns() {}
}
