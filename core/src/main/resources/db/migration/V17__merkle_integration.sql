-- The integrator found the events not in the log yet by an anti-join of the whole ledger against the whole log, every
-- run, so a run cost more as the ledger grew (0.72 s a run at 1.2M events, bench/RESULTS.md) until integration fell
-- behind the pipeline. Now each event records the transaction that wrote it (its 64-bit id, pg_current_xact_id, as a
-- bigint: BRIN has no operator class for xid8), and the integrator keeps a horizon: the oldest transaction still
-- running when a run last found every new event. A transaction older than that had ended before the run looked, so
-- all it wrote was seen then; a run searches only events written at or past the horizon. The BRIN index narrows that
-- search to the newest pages at almost no cost to writers: the table is append-only, so its pages are in about the
-- order of their writers. Pages it has no summary of yet are always read, so autosummarize has autovacuum summarize
-- each range of pages as soon as it fills. The horizon is no trust anchor: verify-range still checks that every event
-- is in the log.
-- Transaction ids count within one PostgreSQL server: a logical restore into another one starts them again from low
-- numbers, and a horizon brought along would hide every new event. So the horizon names the server whose ids it
-- counts (pg_control_system's system identifier, which a streaming replica shares), and a run on another server
-- searches from 0 once. Events from before this migration all get the migration's transaction, and the first run
-- (no server yet) searches them all.
ALTER TABLE ledger_events ADD COLUMN written_by bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
CREATE INDEX ledger_events_written_by_idx ON ledger_events USING brin (written_by) WITH (autosummarize = on);

CREATE TABLE merkle_integration (
    singleton boolean PRIMARY KEY DEFAULT true,
    horizon   bigint  NOT NULL,
    server    bigint,
    CONSTRAINT merkle_integration_one_row CHECK (singleton),
    CONSTRAINT merkle_integration_horizon_not_negative CHECK (horizon >= 0)
);
INSERT INTO merkle_integration (horizon) VALUES (0);

-- A leaf's foreign key to its ledger event checked each row on its own, locking the event's row (FOR KEY SHARE), a
-- write to the event's page and to the WAL for every leaf: integrating a million events took 40-50k events/s with it
-- and 65-84k without any check (bench/RESULTS.md, "Integration that costs its own events"). Ledger events are never
-- deleted (a trigger refuses it since V2; TRUNCATE is refused from here on), so as for agents in V16 one check per
-- statement of the rows it adds gives the same guarantee without a lock: 62-70k events/s. A statement naming an
-- event that does not exist fails as the foreign key did, with foreign_key_violation.
CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON ledger_events
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();

-- The check, for any statement-level AFTER INSERT trigger with the new rows as "added": TG_ARGV is the column of the
-- new rows, the table they name, its key, and what one of its rows is called in the error. V16's check of the agents
-- the ledger names is this one too.
CREATE FUNCTION caracal_added_rows_name_existing() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    EXECUTE format('SELECT a.%1$I::text FROM added a WHERE NOT EXISTS (SELECT 1 FROM %2$I r WHERE r.%3$I = a.%1$I) LIMIT 1',
                   TG_ARGV[0], TG_ARGV[1], TG_ARGV[2]) INTO missing;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'a row of % names % %, which does not exist', TG_TABLE_NAME, TG_ARGV[3], missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

ALTER TABLE merkle_leaves DROP CONSTRAINT merkle_leaves_event_id_fkey;
CREATE TRIGGER merkle_leaves_name_events AFTER INSERT ON merkle_leaves
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION caracal_added_rows_name_existing('event_id', 'ledger_events', 'event_id', 'ledger event');

DROP TRIGGER ledger_events_name_agents ON ledger_events;
DROP FUNCTION ledger_events_name_agents();
CREATE TRIGGER ledger_events_name_agents AFTER INSERT ON ledger_events
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION caracal_added_rows_name_existing('agent_id', 'agents', 'id', 'agent');
