-- Several `tally serve` replicas on one PostgreSQL share hard budgets and rate limits here.
-- Per hard budget and period: what the gateways settled (the ledger's gateway spend when the row was
-- made, plus every settlement since) and what other sources spent (telemetry, logs, imports), as the
-- last refresh read it from the ledger.
CREATE TABLE budget_counters (
    budget        VARCHAR NOT NULL,
    period_end_ms BIGINT  NOT NULL,
    settled       BIGINT  NOT NULL,
    elsewhere     BIGINT  NOT NULL,
    PRIMARY KEY (budget, period_end_ms)
);

-- What each replica holds reserved for its requests in flight; a replica renews its rows while it
-- lives, so the holds of one that died stop counting once expires_ms passes.
CREATE TABLE budget_holds (
    budget        VARCHAR NOT NULL,
    period_end_ms BIGINT  NOT NULL,
    replica       VARCHAR NOT NULL,
    reserved      BIGINT  NOT NULL,
    requests      INTEGER NOT NULL,
    expires_ms    BIGINT  NOT NULL,
    PRIMARY KEY (budget, period_end_ms, replica)
);

-- Fleet-wide token buckets for requests and tokens per minute (per key, per person).
CREATE TABLE rate_buckets (
    name       VARCHAR          NOT NULL PRIMARY KEY,
    per_minute BIGINT           NOT NULL,
    level      DOUBLE PRECISION NOT NULL,
    at_ms      BIGINT           NOT NULL
);
