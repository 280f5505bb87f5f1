-- Delegation tokens at the gateway (issue 16). A parent agent signs its tokens with a P-256 key of its own; the
-- gateway verifies them with the public half registered here (the private half never reaches the database, unlike
-- v0.3's metadata). A key is added, never changed, so tokens signed before a rotation keep verifying until they expire.
CREATE TABLE delegation_keys (
    key_id         varchar(16) PRIMARY KEY,
    agent_id       uuid        NOT NULL REFERENCES agents (id),
    public_key_der bytea       NOT NULL,
    created_at     timestamptz NOT NULL,
    CONSTRAINT delegation_keys_id_is_hex CHECK (key_id ~ '^[0-9a-f]{16}$')
);
CREATE INDEX delegation_keys_agent_idx ON delegation_keys (agent_id);
CREATE TRIGGER delegation_keys_append_only BEFORE UPDATE OR DELETE ON delegation_keys
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();

-- What a token lets its child spend is an ordinary budget (holds, ledger lines, rebuilds all work by policy), kept
-- apart from the child's own policies: a row with a delegation_jti applies only to calls that present that token.
ALTER TABLE budget_policies ADD COLUMN delegation_jti uuid UNIQUE;

-- Gateways cache keys and revocations and drop them when told (V8's trigger), so a revocation reaches every replica
-- within a second.
CREATE TRIGGER delegation_keys_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON delegation_keys
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
CREATE TRIGGER revoked_delegation_tokens_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON revoked_delegation_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
