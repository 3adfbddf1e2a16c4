-- The AWS bill for Bedrock, from Cost Explorer (GetCostAndUsage, daily): kept apart from the ledger,
-- like the Anthropic cost report, and compared with it by 'tally reconcile --provider aws'. A new
-- import of a day replaces that day. model is read from the service name or usage type (null when
-- neither names a model); principal is the cost allocation tag's value when one was grouped by.
CREATE TABLE aws_cost (
    day_ms       BIGINT  NOT NULL,
    service      VARCHAR NOT NULL,
    usage_type   VARCHAR NOT NULL,
    model        VARCHAR,
    principal    VARCHAR,
    currency     VARCHAR NOT NULL,
    amount_nanos BIGINT  NOT NULL,
    estimated    BOOLEAN NOT NULL,
    imported_ms  BIGINT  NOT NULL
);
