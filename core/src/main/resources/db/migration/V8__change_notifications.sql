-- Gateways cache what the request path reads (agents, their keys, policies, allowlists, the pricebook) and drop a
-- table's cache when told it changed. Per statement and by table name only: changes here are rare admin actions,
-- so dropping the whole table's cache is cheap, and a notice that carries no rows cannot miss one. PostgreSQL
-- delivers it at commit, and not at all on rollback.
CREATE FUNCTION caracal_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('caracal_changes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER agents_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agents
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
CREATE TRIGGER agent_api_keys_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agent_api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
CREATE TRIGGER budget_policies_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON budget_policies
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
CREATE TRIGGER resource_allowlists_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON resource_allowlists
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
CREATE TRIGGER pricebook_entries_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pricebook_entries
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
