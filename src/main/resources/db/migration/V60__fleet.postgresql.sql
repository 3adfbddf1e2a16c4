-- Several `tally serve` replicas on one PostgreSQL share hard budgets and rate limits here.
-- Per hard budget and period: what the gateways settled (the ledger's gateway spend when the row was
-- made, plus every settlement since), what other sources spent (telemetry, logs, imports) as the last
-- refresh read it from the ledger, and what requests in flight hold (the sum of budget_holds), so a
-- reservation is one guarded UPDATE of this row. last_take: what the latest reservation took.
CREATE TABLE budget_counters (
    budget        VARCHAR NOT NULL,
    period_end_ms BIGINT  NOT NULL,
    settled       BIGINT  NOT NULL,
    elsewhere     BIGINT  NOT NULL,
    held          BIGINT  NOT NULL DEFAULT 0,
    requests      INTEGER NOT NULL DEFAULT 0,
    last_take     BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (budget, period_end_ms)
);

-- What each replica holds for its requests in flight. A live replica renews its rows; once one
-- expires (its replica died), any replica deletes it and takes what it held off the counter.
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
