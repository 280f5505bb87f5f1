-- Caracal foundation schema: agents, their API keys, budget policies with an append-only version history,
-- resource allowlists and a versioned pricebook. Money is NUMERIC(38,9) (exact, 9 fractional digits);
-- every timestamp is timestamptz.

-- Rejects UPDATE and DELETE on history tables: history is appended to, never rewritten.
CREATE FUNCTION caracal_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TABLE agents (
    id          uuid PRIMARY KEY,
    name        varchar(255) NOT NULL,
    description varchar(2000) NOT NULL DEFAULT '',
    owner       varchar(255) NOT NULL,
    status      varchar(16)  NOT NULL DEFAULT 'active',
    parent_id   uuid REFERENCES agents (id),
    metadata    jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL,
    CONSTRAINT agents_name_key UNIQUE (name),
    CONSTRAINT agents_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT agents_owner_not_blank CHECK (btrim(owner) <> ''),
    CONSTRAINT agents_status_check CHECK (status IN ('active', 'suspended')),
    CONSTRAINT agents_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT agents_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
CREATE INDEX agents_parent_idx ON agents (parent_id);

CREATE TABLE agent_api_keys (
    id          uuid PRIMARY KEY,
    agent_id    uuid        NOT NULL REFERENCES agents (id),
    prefix      varchar(32) NOT NULL,
    secret_hash bytea       NOT NULL,
    name        varchar(255) NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CONSTRAINT agent_api_keys_prefix_key UNIQUE (prefix),
    CONSTRAINT agent_api_keys_hash_is_sha256 CHECK (octet_length(secret_hash) = 32)
);
CREATE INDEX agent_api_keys_agent_idx ON agent_api_keys (agent_id);

CREATE TABLE budget_policies (
    id             uuid PRIMARY KEY,
    agent_id       uuid          NOT NULL REFERENCES agents (id),
    limit_amount   numeric(38,9) NOT NULL,
    currency       char(3)       NOT NULL,
    time_window    varchar(16)   NOT NULL,
    window_type    varchar(16)   NOT NULL DEFAULT 'calendar',
    time_zone      varchar(64),
    delegated_from uuid REFERENCES agents (id),
    active         boolean       NOT NULL DEFAULT true,
    created_at     timestamptz   NOT NULL,
    updated_at     timestamptz   NOT NULL,
    CONSTRAINT budget_policies_limit_positive CHECK (limit_amount > 0),
    CONSTRAINT budget_policies_currency_iso CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT budget_policies_window_check CHECK (time_window IN ('hourly', 'daily', 'weekly', 'monthly')),
    CONSTRAINT budget_policies_window_type_check CHECK (window_type IN ('calendar', 'rolling')),
    CONSTRAINT budget_policies_zone_only_calendar CHECK (time_zone IS NULL OR window_type = 'calendar'),
    CONSTRAINT budget_policies_not_self_delegated CHECK (delegated_from IS NULL OR delegated_from <> agent_id)
);
CREATE INDEX budget_policies_agent_active_idx ON budget_policies (agent_id, active);

CREATE TABLE policy_versions (
    policy_id      uuid          NOT NULL REFERENCES budget_policies (id),
    version_number integer       NOT NULL,
    change_type    varchar(16)   NOT NULL,
    changed_by     varchar(255)  NOT NULL,
    change_reason  varchar(1000) NOT NULL,
    changed_at     timestamptz   NOT NULL,
    -- A full copy of the policy as it stood after this change.
    agent_id       uuid          NOT NULL,
    limit_amount   numeric(38,9) NOT NULL,
    currency       char(3)       NOT NULL,
    time_window    varchar(16)   NOT NULL,
    window_type    varchar(16)   NOT NULL,
    time_zone      varchar(64),
    delegated_from uuid,
    active         boolean       NOT NULL,
    PRIMARY KEY (policy_id, version_number),
    CONSTRAINT policy_versions_number_positive CHECK (version_number > 0),
    CONSTRAINT policy_versions_change_type_check CHECK (change_type IN ('created', 'modified', 'deactivated')),
    CONSTRAINT policy_versions_reason_not_blank CHECK (btrim(change_reason) <> ''),
    CONSTRAINT policy_versions_changed_by_not_blank CHECK (btrim(changed_by) <> '')
);
CREATE INDEX policy_versions_agent_idx ON policy_versions (agent_id, changed_at);
CREATE TRIGGER policy_versions_append_only BEFORE UPDATE OR DELETE ON policy_versions
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();

CREATE TABLE resource_allowlists (
    id           uuid PRIMARY KEY,
    agent_id     uuid          NOT NULL REFERENCES agents (id),
    pattern      varchar(1000) NOT NULL,
    pattern_type varchar(8)    NOT NULL,
    active       boolean       NOT NULL DEFAULT true,
    created_at   timestamptz   NOT NULL,
    deleted_at   timestamptz,
    CONSTRAINT resource_allowlists_pattern_not_empty CHECK (pattern <> ''),
    CONSTRAINT resource_allowlists_type_check CHECK (pattern_type IN ('regex', 'glob')),
    CONSTRAINT resource_allowlists_deleted_consistent CHECK (active = (deleted_at IS NULL))
);
CREATE INDEX resource_allowlists_agent_active_idx ON resource_allowlists (agent_id, active);

CREATE TABLE pricebook_entries (
    id             bigserial PRIMARY KEY,
    resource_key   varchar(255)  NOT NULL,
    unit_price     numeric(38,9) NOT NULL,
    currency       char(3)       NOT NULL,
    effective_from timestamptz   NOT NULL,
    recorded_at    timestamptz   NOT NULL,
    CONSTRAINT pricebook_entries_key_not_blank CHECK (btrim(resource_key) <> ''),
    CONSTRAINT pricebook_entries_price_not_negative CHECK (unit_price >= 0),
    CONSTRAINT pricebook_entries_currency_iso CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT pricebook_entries_resource_start_key UNIQUE (resource_key, effective_from)
);
CREATE TRIGGER pricebook_entries_append_only BEFORE UPDATE OR DELETE ON pricebook_entries
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
