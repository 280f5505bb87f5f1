-- Ledger snapshots: a signed checkpoint, the per-agent totals of the events it covers, and where each pipeline
-- consumer group stood just before they were read. Restore checks the ledger against them and rebuilds the
-- derived state (Redis) from it; `replay start --from-snapshot` sends the groups back to the recorded offsets.

CREATE TABLE ledger_snapshots (
    snapshot_id  uuid PRIMARY KEY,
    created_at   timestamptz NOT NULL,
    batch_id     uuid        NOT NULL REFERENCES merkle_checkpoints (batch_id),
    tree_size    bigint      NOT NULL,
    root_hash    bytea       NOT NULL,
    signed_note  text        NOT NULL,
    total_events bigint      NOT NULL,
    size_bytes   bigint      NOT NULL,
    CONSTRAINT ledger_snapshots_counts CHECK (tree_size > 0 AND total_events >= 0 AND size_bytes >= 0)
);
CREATE INDEX ledger_snapshots_created_idx ON ledger_snapshots (created_at);

-- The header row is written last, once the size of these rows is known, hence the deferred references.
CREATE TABLE ledger_snapshot_totals (
    snapshot_id uuid          NOT NULL REFERENCES ledger_snapshots (snapshot_id) DEFERRABLE INITIALLY DEFERRED,
    agent_id    uuid          NOT NULL,
    currency    char(3)       NOT NULL,
    event_count bigint        NOT NULL,
    amount      numeric(38,9) NOT NULL,
    PRIMARY KEY (snapshot_id, agent_id, currency),
    CONSTRAINT ledger_snapshot_totals_not_negative CHECK (event_count > 0 AND amount >= 0)
);

CREATE TABLE ledger_snapshot_offsets (
    snapshot_id      uuid         NOT NULL REFERENCES ledger_snapshots (snapshot_id) DEFERRABLE INITIALLY DEFERRED,
    consumer_group   varchar(255) NOT NULL,
    topic            varchar(255) NOT NULL,
    partition        integer      NOT NULL,
    committed_offset bigint       NOT NULL,
    PRIMARY KEY (snapshot_id, consumer_group, topic, partition),
    CONSTRAINT ledger_snapshot_offsets_not_negative CHECK (partition >= 0 AND committed_offset >= 0)
);

CREATE TRIGGER ledger_snapshots_append_only BEFORE UPDATE OR DELETE ON ledger_snapshots
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER ledger_snapshots_no_truncate BEFORE TRUNCATE ON ledger_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER ledger_snapshot_totals_append_only BEFORE UPDATE OR DELETE ON ledger_snapshot_totals
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER ledger_snapshot_totals_no_truncate BEFORE TRUNCATE ON ledger_snapshot_totals
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER ledger_snapshot_offsets_append_only BEFORE UPDATE OR DELETE ON ledger_snapshot_offsets
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER ledger_snapshot_offsets_no_truncate BEFORE TRUNCATE ON ledger_snapshot_offsets
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();
