-- The ledger's foreign key to agents checked every row on its own, locking the agent's row (FOR KEY SHARE) so that
-- it could not be deleted before the commit. Ledger consumers write batches of thousands of events for the same few
-- agents from several transactions at once, so every row took a lock on a row other writers held too: about a
-- quarter of PostgreSQL's work per batch (bench/RESULTS.md, "Event pipeline at half of COPY"). The same guarantee,
-- cheaper:
--   * agents are never deleted (a retired agent is suspended and keeps its history), so an agent that exists when a
--     statement checks it still exists when the statement commits, and no lock is needed;
--   * each statement that adds ledger events checks, once for all its rows, that every agent they name exists.
-- A statement naming an agent that does not exist fails as the foreign key did, with foreign_key_violation.

CREATE FUNCTION caracal_agents_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'agents are never deleted (the ledger names them): suspend the agent instead; % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER agents_kept BEFORE DELETE ON agents
    FOR EACH ROW EXECUTE FUNCTION caracal_agents_are_kept();
CREATE TRIGGER agents_kept_whole BEFORE TRUNCATE ON agents
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_agents_are_kept();

CREATE FUNCTION ledger_events_name_agents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing uuid;
BEGIN
    SELECT a.agent_id INTO missing FROM (SELECT DISTINCT agent_id FROM added) a
    WHERE NOT EXISTS (SELECT 1 FROM agents g WHERE g.id = a.agent_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'a ledger event names agent %, which does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

ALTER TABLE ledger_events DROP CONSTRAINT ledger_events_agent_id_fkey;
CREATE TRIGGER ledger_events_name_agents AFTER INSERT ON ledger_events
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_events_name_agents();
