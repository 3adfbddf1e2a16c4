-- The costliest priced records of each UTC day, per identity and team, 51 of each at most (in the
-- order a top page takes them): a person's or a team's filter selects whole (identity, team) keys, so the
-- first 50 of any such filter over whole days are among these, and a top page reads them instead of
-- every record of its range. Filled when a page asks for a day that has ended; usage_top_kept lists
-- the days whose rows here are complete, and any change to a day's records forgets it (TopDays).
-- A later migration that changes stored records must empty usage_top_kept.
CREATE TABLE usage_top_day (
    id                    VARCHAR NOT NULL,
    ts_ms                 BIGINT  NOT NULL,
    identity              VARCHAR NOT NULL,
    team                  VARCHAR,
    source                VARCHAR NOT NULL,
    model                 VARCHAR NOT NULL,
    request_id            VARCHAR,
    session_id            VARCHAR,
    input_tokens          BIGINT  NOT NULL,
    cache_write_5m_tokens BIGINT  NOT NULL,
    cache_write_1h_tokens BIGINT  NOT NULL,
    cache_read_tokens     BIGINT  NOT NULL,
    output_tokens         BIGINT  NOT NULL,
    cost_nanos            BIGINT,
    status                INTEGER NOT NULL
);

CREATE TABLE usage_top_kept (
    day_ms BIGINT NOT NULL
);
