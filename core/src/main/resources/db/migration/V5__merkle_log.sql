-- The verifiable ledger: one append-only RFC 6962 log over all ledger events, signed checkpoints over it, and
-- every public key that ever signed one (so old checkpoints stay verifiable after a key rotation).

-- Leaf i of the log: the event at that position and the hash of its canonical encoding (which includes i).
-- Assigned by the single integrator, gapless from 0.
CREATE TABLE merkle_leaves (
    leaf_index    bigint PRIMARY KEY,
    event_id      uuid        NOT NULL REFERENCES ledger_events (event_id),
    leaf_hash     bytea       NOT NULL,
    integrated_at timestamptz NOT NULL,
    CONSTRAINT merkle_leaves_event_key UNIQUE (event_id),
    CONSTRAINT merkle_leaves_index_not_negative CHECK (leaf_index >= 0),
    CONSTRAINT merkle_leaves_hash_size CHECK (octet_length(leaf_hash) = 32)
);
CREATE TRIGGER merkle_leaves_append_only BEFORE UPDATE OR DELETE ON merkle_leaves
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER merkle_leaves_no_truncate BEFORE TRUNCATE ON merkle_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();

-- Public keys that sign checkpoints; a rotation adds one and keeps the others.
CREATE TABLE merkle_keys (
    key_id     char(8)      PRIMARY KEY,
    key_name   varchar(255) NOT NULL,
    public_key bytea        NOT NULL,
    added_at   timestamptz  NOT NULL
);
CREATE TRIGGER merkle_keys_append_only BEFORE UPDATE OR DELETE ON merkle_keys
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();

-- A checkpoint signs the root of the first tree_size leaves; its batch is leaves [first_leaf, tree_size).
CREATE TABLE merkle_checkpoints (
    batch_id    uuid PRIMARY KEY,
    first_leaf  bigint      NOT NULL,
    tree_size   bigint      NOT NULL,
    root_hash   bytea       NOT NULL,
    key_id      char(8)     NOT NULL REFERENCES merkle_keys (key_id),
    signed_note text        NOT NULL,
    created_at  timestamptz NOT NULL,
    CONSTRAINT merkle_checkpoints_size_key UNIQUE (tree_size),
    CONSTRAINT merkle_checkpoints_batch_not_empty CHECK (tree_size > first_leaf AND first_leaf >= 0)
);
CREATE INDEX merkle_checkpoints_created_idx ON merkle_checkpoints (created_at);
CREATE TRIGGER merkle_checkpoints_append_only BEFORE UPDATE OR DELETE ON merkle_checkpoints
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
