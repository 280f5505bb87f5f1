-- An agent's request rate at the gateway: a token bucket of `burst` requests, refilled at `requests_per_second`,
-- shared by every replica (the bucket itself lives in Redis). An agent without a row is not rate limited. The
-- bounds are RateLimit's. Gateways cache the rows and drop them when told the table changed (V8's trigger).
CREATE TABLE agent_rate_limits (
    agent_id            uuid         PRIMARY KEY REFERENCES agents (id),
    requests_per_second numeric(9,3) NOT NULL CHECK (requests_per_second > 0 AND requests_per_second <= 100000),
    burst               integer      NOT NULL CHECK (burst >= 1 AND burst <= 100000),
    updated_at          timestamptz  NOT NULL
);
CREATE TRIGGER agent_rate_limits_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agent_rate_limits
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_notify_change();
