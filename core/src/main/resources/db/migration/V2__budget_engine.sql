-- Budget engine: holds (reservations) and the ledger of settled charges. PostgreSQL is the source of truth;
-- Redis holds the same figures for atomic enforcement and is rebuilt from these tables when it loses them.

CREATE TABLE budget_holds (
    id          uuid PRIMARY KEY,
    agent_id    uuid          NOT NULL REFERENCES agents (id),
    currency    char(3)       NOT NULL,
    estimate    numeric(38,9) NOT NULL,
    created_at  timestamptz   NOT NULL,
    expires_at  timestamptz   NOT NULL,
    -- open: counts until settled, voided or expired; denied: refused by the limit check, never counted.
    state       varchar(16)   NOT NULL DEFAULT 'open',
    actual      numeric(38,9),
    closed_at   timestamptz,
    CONSTRAINT budget_holds_state_check CHECK (state IN ('open', 'settled', 'voided', 'denied')),
    CONSTRAINT budget_holds_estimate_not_negative CHECK (estimate >= 0),
    CONSTRAINT budget_holds_expiry_after_creation CHECK (expires_at > created_at),
    CONSTRAINT budget_holds_settled_has_actual CHECK ((state = 'settled') = (actual IS NOT NULL)),
    CONSTRAINT budget_holds_closed_consistent CHECK ((state = 'open') = (closed_at IS NULL))
);
CREATE INDEX budget_holds_open_idx ON budget_holds (expires_at) WHERE state = 'open';
CREATE INDEX budget_holds_closed_idx ON budget_holds (closed_at) WHERE state <> 'open';

-- The amount a hold reserves on each budget it applies to, in that budget's currency.
CREATE TABLE budget_hold_lines (
    hold_id   uuid          NOT NULL REFERENCES budget_holds (id),
    policy_id uuid          NOT NULL REFERENCES budget_policies (id),
    amount    numeric(38,9) NOT NULL,
    PRIMARY KEY (hold_id, policy_id),
    CONSTRAINT budget_hold_lines_amount_not_negative CHECK (amount >= 0)
);
CREATE INDEX budget_hold_lines_policy_idx ON budget_hold_lines (policy_id);

CREATE TABLE ledger_events (
    event_id     uuid PRIMARY KEY,
    agent_id     uuid          NOT NULL REFERENCES agents (id),
    hold_id      uuid REFERENCES budget_holds (id),
    amount       numeric(38,9) NOT NULL,
    currency     char(3)       NOT NULL,
    occurred_at  timestamptz   NOT NULL,
    recorded_at  timestamptz   NOT NULL,
    CONSTRAINT ledger_events_hold_key UNIQUE (hold_id),
    CONSTRAINT ledger_events_amount_not_negative CHECK (amount >= 0),
    CONSTRAINT ledger_events_currency_iso CHECK (currency ~ '^[A-Z]{3}$')
);
CREATE INDEX ledger_events_agent_time_idx ON ledger_events (agent_id, occurred_at);

-- The charge as counted against each budget, in that budget's currency.
CREATE TABLE ledger_event_lines (
    event_id  uuid          NOT NULL REFERENCES ledger_events (event_id),
    policy_id uuid          NOT NULL REFERENCES budget_policies (id),
    amount    numeric(38,9) NOT NULL,
    PRIMARY KEY (event_id, policy_id),
    CONSTRAINT ledger_event_lines_amount_not_negative CHECK (amount >= 0)
);
CREATE INDEX ledger_event_lines_policy_idx ON ledger_event_lines (policy_id);

CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER ledger_event_lines_append_only BEFORE UPDATE OR DELETE ON ledger_event_lines
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();

-- Revoked delegation tokens, by jti; a token is checked against this list on every validation.
CREATE TABLE revoked_delegation_tokens (
    jti        uuid PRIMARY KEY,
    revoked_at timestamptz  NOT NULL,
    reason     varchar(1000) NOT NULL DEFAULT ''
);
