-- Events wait here until Kafka has them: written in the same transaction as what they report (a settlement
-- and its metering event commit together), then published by the relay and marked delivered. Consumers
-- deduplicate by event_id, so a relay that publishes twice (crash after send, before marking) changes nothing.
CREATE TABLE event_outbox (
    id           bigserial PRIMARY KEY,
    event_id     uuid         NOT NULL,
    topic        varchar(255) NOT NULL,
    event_key    varchar(255) NOT NULL,
    event_type   varchar(100) NOT NULL,
    payload      bytea        NOT NULL,
    created_at   timestamptz  NOT NULL,
    attempts     integer      NOT NULL DEFAULT 0,
    delivered_at timestamptz,
    CONSTRAINT event_outbox_event_key UNIQUE (event_id)
);
CREATE INDEX event_outbox_pending_idx ON event_outbox (id) WHERE delivered_at IS NULL;
