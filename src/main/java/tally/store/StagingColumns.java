package tally.store;

/** The ledger's columns in table order: staging is loaded in this order and copied as a whole. */
final class StagingColumns {
    static final String LIST = "id, ts_ms, source, source_rank, provider, identity, team, project, session_id, "
            + "request_id, model, model_id, input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, "
            + "cache_read_tokens, output_tokens, web_searches, is_batch, is_fast, cost_nanos, catalog_version, "
            + "latency_ms, status, region, inference_geo";

    private StagingColumns() {}
}
