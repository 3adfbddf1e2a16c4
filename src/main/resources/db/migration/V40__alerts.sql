-- Alert rules added through /api/alerts/rules (the config file's rules and the defaults live in the
-- file and the code). The body is the rule as JSON, the same shape the config file uses.
CREATE TABLE alert_rules (
    name       VARCHAR NOT NULL,
    body       VARCHAR NOT NULL,
    created_ms BIGINT  NOT NULL
);

-- Where each rule stands for each scope it watches (a team, a person, a budget's percentage…):
-- firing or resolved, and when it last notified, which the cooldown counts from.
CREATE TABLE alert_state (
    rule        VARCHAR NOT NULL,
    scope_key   VARCHAR NOT NULL,
    firing      BOOLEAN NOT NULL,
    since_ms    BIGINT  NOT NULL,
    notified_ms BIGINT
);

-- Every firing and resolution, for GET /api/alerts.
CREATE TABLE alert_history (
    id        VARCHAR NOT NULL,
    ts_ms     BIGINT  NOT NULL,
    rule      VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,
    scope_key VARCHAR NOT NULL,
    state     VARCHAR NOT NULL,
    notified  BOOLEAN NOT NULL,
    who       VARCHAR NOT NULL,
    amount    VARCHAR NOT NULL,
    threshold VARCHAR NOT NULL,
    message   VARCHAR NOT NULL
);

-- Scheduled reports already sent, so a restart neither repeats nor skips one.
CREATE TABLE report_runs (
    schedule  VARCHAR NOT NULL,
    period    VARCHAR NOT NULL,
    sent_ms   BIGINT  NOT NULL
);
