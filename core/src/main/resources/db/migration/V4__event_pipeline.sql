-- Event pipeline: Avro events name their writer schema by fingerprint; the ledger keeps every field of a metering
-- event; the audit log is append-only and hash-chained; DLQ retries and replays are remembered across processes.

-- Rows written before events were Avro have no fingerprint; consumers send them to the dead-letter queue.
ALTER TABLE event_outbox ADD COLUMN schema_fingerprint varchar(16);

ALTER TABLE ledger_events ADD COLUMN resource varchar(2000);
ALTER TABLE ledger_events ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Every event of every event topic, in the order the audit writer appended it. Each row's hash covers the
-- previous row's hash and all of its own fields, so an edit anywhere breaks the chain from that row on.
CREATE TABLE audit_log (
    seq                bigint PRIMARY KEY,
    topic              varchar(255) NOT NULL,
    kafka_partition    integer      NOT NULL,
    kafka_offset       bigint       NOT NULL,
    event_id           uuid         NOT NULL,
    event_type         varchar(255) NOT NULL,
    agent_id           uuid,
    occurred_at        timestamptz  NOT NULL,
    recorded_at        timestamptz  NOT NULL,
    schema_fingerprint varchar(16)  NOT NULL,
    payload            bytea        NOT NULL,
    details            text         NOT NULL,
    prev_hash          bytea        NOT NULL,
    row_hash           bytea        NOT NULL,
    CONSTRAINT audit_log_event_key UNIQUE (topic, event_id),
    CONSTRAINT audit_log_seq_positive CHECK (seq > 0),
    CONSTRAINT audit_log_hash_sizes CHECK (octet_length(prev_hash) = 32 AND octet_length(row_hash) = 32)
);
CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);
CREATE INDEX audit_log_agent_idx ON audit_log (agent_id, occurred_at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();

-- Dead letters sent back to their topics by `caracal dlq retry`, so a second retry does not send them again.
CREATE TABLE dlq_retries (
    dlq_id     uuid PRIMARY KEY,
    event_id   uuid,
    retried_at timestamptz NOT NULL
);

-- Consumer-group offset resets started by `caracal replay start`, with the positions they started from and the
-- end of each partition at that moment, so `caracal replay status` can report progress from any process.
CREATE TABLE event_replays (
    id             uuid PRIMARY KEY,
    consumer_group varchar(255) NOT NULL,
    from_timestamp timestamptz,
    from_snapshot  varchar(255),
    started_at     timestamptz  NOT NULL,
    positions      jsonb        NOT NULL
);
CREATE INDEX event_replays_started_idx ON event_replays (started_at);
