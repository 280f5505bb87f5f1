-- Settled spend per budget and minute: what a Redis rebuild sums for a budget's window, at most one row per minute
-- that had spend, instead of every charge in the window (a month of a busy budget is millions of ledger lines).
--
-- A minute, in UTC, because a slot must lie wholly inside one bucket of every window a budget can have, or its
-- spend could not be assigned: rolling buckets are 1, 15, 120 and 480 minutes counted from the epoch, and calendar
-- windows start at a local hour or midnight, which is a whole UTC minute in every zone (offsets such as +05:45 or
-- +08:45, and half-hour DST shifts, are whole minutes, not hours). A coarser slot would break the 1-minute buckets
-- of hourly rolling budgets; a finer one would only add rows.
CREATE FUNCTION ledger_spend_slot(at timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT date_trunc('minute', at, 'UTC')
$$;

-- Unlike the ledger, a row here is updated in place; it is derived from the ledger and can be recomputed from it.
-- The gateway's budget sweep deletes minutes older than any window can reach (Buckets.REACH, 35 days; the longest
-- window is a calendar month): nothing reads them, and a busy budget adds 1,440 rows a day. Hence the index on slot.
CREATE TABLE ledger_spend_totals (
    policy_id uuid          NOT NULL REFERENCES budget_policies (id),
    slot      timestamptz   NOT NULL,
    amount    numeric(38,9) NOT NULL,
    PRIMARY KEY (policy_id, slot),
    CONSTRAINT ledger_spend_totals_amount_not_negative CHECK (amount >= 0)
);
CREATE INDEX ledger_spend_totals_slot_idx ON ledger_spend_totals (slot);

-- Kept by the database rather than by each writer, so that no statement can add ledger lines without their totals:
-- not a writer this version forgot, and not an older gateway still running while this migration is applied during
-- an upgrade (its charges would otherwise be missing from every later rebuild). Per statement, from the statement's
-- lines summed per row: one statement may not update a row twice, and a group-commit batch of many settlements does
-- one upsert per budget and minute. In key order, so concurrent batches that share rows lock them in the same order
-- and never deadlock. The rows stay locked until the writer commits: batches touching one budget in the same minute
-- commit one after the other.
CREATE FUNCTION ledger_spend_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_spend_totals AS t (policy_id, slot, amount)
    SELECT added.policy_id, ledger_spend_slot(e.occurred_at), sum(added.amount)
    FROM added JOIN ledger_events e ON e.event_id = added.event_id
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (policy_id, slot) DO UPDATE SET amount = t.amount + excluded.amount;
    RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_event_lines_spend_totals AFTER INSERT ON ledger_event_lines
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_spend_totals_add();

-- The charges a rebuild can still read: those within Buckets.REACH of now, and any dated later (a gateway's clock
-- may run ahead of this server's). Older minutes would be deleted by the first sweeps anyway.
INSERT INTO ledger_spend_totals (policy_id, slot, amount)
SELECT l.policy_id, ledger_spend_slot(e.occurred_at), sum(l.amount)
FROM ledger_event_lines l JOIN ledger_events e ON e.event_id = l.event_id
WHERE e.occurred_at >= now() - interval '35 days'
GROUP BY 1, 2;
