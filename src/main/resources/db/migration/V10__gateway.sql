-- Gateway keys: only a SHA-256 of each key is kept; the key itself is shown once, at creation.
-- The id (key_…) is the raw identity records carry, aliased to the key's person.
CREATE TABLE gateway_keys (
    id              VARCHAR NOT NULL PRIMARY KEY,
    secret_hash     VARCHAR NOT NULL,
    person          VARCHAR NOT NULL,
    team            VARCHAR,
    models          VARCHAR,
    max_tokens      BIGINT,
    downgrade_model VARCHAR,
    rpm             BIGINT,
    tpm             BIGINT,
    created_ms      BIGINT  NOT NULL,
    expires_ms      BIGINT,
    revoked_ms      BIGINT
);

-- Budgets: a limit per period (calendar day, week or month in the configured zone) on dollars
-- (nano-dollars) or tokens, for the whole organization, a person, a team or a key.
CREATE TABLE budgets (
    name          VARCHAR NOT NULL PRIMARY KEY,
    scope         VARCHAR NOT NULL,
    subject       VARCHAR,
    period        VARCHAR NOT NULL,
    unit          VARCHAR NOT NULL,
    amount        BIGINT  NOT NULL,
    hard          BOOLEAN NOT NULL,
    threshold_pct INTEGER NOT NULL,
    created_ms    BIGINT  NOT NULL
);
