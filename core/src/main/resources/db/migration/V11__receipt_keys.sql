-- The public half of every key that ever signed a charge receipt (X-Caracal-Receipt). A gateway registers its key
-- when it starts, and a rotation adds one; none is ever changed or removed, so a receipt stays verifiable for good.
CREATE TABLE receipt_keys (
    key_id         char(8)     PRIMARY KEY,
    public_key_der bytea       NOT NULL,
    created_at     timestamptz NOT NULL,
    CONSTRAINT receipt_keys_id_is_hex CHECK (key_id ~ '^[0-9a-f]{8}$')
);
CREATE TRIGGER receipt_keys_append_only BEFORE UPDATE OR DELETE ON receipt_keys
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER receipt_keys_no_truncate BEFORE TRUNCATE ON receipt_keys
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();
