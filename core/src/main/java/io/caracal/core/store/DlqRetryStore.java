package io.caracal.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which dead letters {@code caracal dlq retry} already sent back to their topics. A retry claims its dead letter
 * and sends it inside one transaction: a failed send leaves no claim (it can be retried), and a second retry,
 * even a concurrent one, finds the claim and sends nothing.
 */
public final class DlqRetryStore {
    private final Database db;
    private final Clock clock;

    public DlqRetryStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Runs {@code send} only if {@code dlqId} was never retried, and remembers it; returns whether it sent. */
    public boolean retryOnce(UUID dlqId, UUID eventId, Runnable send) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dlq_retries (dlq_id, event_id, retried_at) VALUES (?, ?, ?) ON CONFLICT (dlq_id) DO NOTHING")) {
                ps.setObject(1, dlqId);
                ps.setObject(2, eventId);
                ps.setTimestamp(3, Timestamp.from(clock.instant()));
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            send.run();
            return true;
        });
    }

    /** The ids among {@code dlqIds} that were retried already. */
    public Set<UUID> retried(Collection<UUID> dlqIds) {
        if (dlqIds.isEmpty()) {
            return Set.of();
        }
        return db.transaction(c -> {
            Set<UUID> found = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT dlq_id FROM dlq_retries WHERE dlq_id = ANY (?)")) {
                List<UUID> ids = new ArrayList<>(dlqIds);
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return found;
        });
    }
}
