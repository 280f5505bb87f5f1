-- The integrator found the events not in the log yet by an anti-join of the whole ledger against the whole log, every
-- run, so a run cost more as the ledger grew (0.72 s a run at 1.2M events, bench/RESULTS.md) until integration fell
-- behind the pipeline. Now each event records the transaction that wrote it (its 64-bit id, pg_current_xact_id, as a
-- bigint: BRIN has no operator class for xid8), and the integrator keeps a horizon: the oldest transaction still
-- running when a run last found every new event. A transaction older than that had ended before the run looked, so
-- all it wrote was seen then; a run searches only events written at or past the horizon. The BRIN index narrows that
-- search to the newest pages at almost no cost to writers: the table is append-only, so its pages are in about the
-- order of their writers. The horizon is no trust anchor: verify-range still checks that every event is in the log.
-- Events from before this migration all get the migration's transaction, and the first run (horizon 0) searches them all.
ALTER TABLE ledger_events ADD COLUMN written_by bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
CREATE INDEX ledger_events_written_by_idx ON ledger_events USING brin (written_by);

CREATE TABLE merkle_integration (
    singleton boolean PRIMARY KEY DEFAULT true,
    horizon   bigint  NOT NULL,
    CONSTRAINT merkle_integration_one_row CHECK (singleton),
    CONSTRAINT merkle_integration_horizon_not_negative CHECK (horizon >= 0)
);
INSERT INTO merkle_integration (horizon) VALUES (0);
