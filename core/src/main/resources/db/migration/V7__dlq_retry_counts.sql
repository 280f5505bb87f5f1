-- A dead letter that fails again after `caracal dlq retry` keeps its dlq id with a higher retry count, and may be
-- retried again: a retry is claimed once per dead letter and retry count. Earlier claims were all first retries.
ALTER TABLE dlq_retries ADD COLUMN retry_count integer NOT NULL DEFAULT 0;
ALTER TABLE dlq_retries DROP CONSTRAINT dlq_retries_pkey;
ALTER TABLE dlq_retries ADD PRIMARY KEY (dlq_id, retry_count);
ALTER TABLE dlq_retries ALTER COLUMN retry_count DROP DEFAULT;
