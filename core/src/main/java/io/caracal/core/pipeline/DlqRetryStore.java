package io.caracal.core.pipeline;

import io.caracal.core.store.Database;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;

/**
 * Which dead letters {@code caracal dlq retry} already sent back to their topics, at which retry count. A retry claims
 * its dead letter at its current count and sends it inside one transaction: a failed send leaves no claim (it can be
 * retried), and a second retry, even a concurrent one, finds the claim and sends nothing. A dead letter that failed
 * again after a retry comes back with a higher count, and may be retried again.
 */
public final class DlqRetryStore {
    private final Database db;
    private final Clock clock;

    public DlqRetryStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Runs {@code send} only if {@code dlqId} was never retried at {@code retryCount}, and remembers it; returns whether it sent. */
    public boolean retryOnce(UUID dlqId, int retryCount, UUID eventId, Runnable send) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dlq_retries (dlq_id, retry_count, event_id, retried_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (dlq_id, retry_count) DO NOTHING")) {
                ps.setObject(1, dlqId);
                ps.setInt(2, retryCount);
                ps.setObject(3, eventId);
                ps.setTimestamp(4, Timestamp.from(clock.instant()));
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            send.run();
            return true;
        });
    }
}
