package io.caracal.core.event;


import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The event outbox: events are appended with what they report and handed to Kafka by the relay. */
public final class OutboxStore {
    private final Database db;
    private final Clock clock;

    public OutboxStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Appends inside a caller's transaction, so the event commits (or not) with what it reports. */
    public static void insert(Connection c, OutboxEvent event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO event_outbox (event_id, topic, event_key, event_type, schema_fingerprint, payload, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            ps.setObject(1, event.eventId());
            ps.setString(2, event.topic());
            ps.setString(3, event.key());
            ps.setString(4, event.type());
            ps.setString(5, event.schemaFingerprint());
            ps.setBytes(6, event.payload());
            Rows.setInstant(ps, 7, event.createdAt());
            ps.executeUpdate();
        }
    }

    /**
     * Hands up to {@code max} pending events, oldest first, to {@code publish} and marks them delivered when it
     * returns; if it throws, they stay pending. Rows are locked while they are being published, and other
     * relays skip them, so several replicas can relay at once. Returns how many were delivered.
     */
    public int deliver(int max, Consumer<List<OutboxEvent>> publish) {
        return db.transaction(c -> {
            List<Long> ids = new ArrayList<>();
            List<OutboxEvent> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, event_id, topic, event_key, event_type, schema_fingerprint, payload, created_at"
                    + " FROM event_outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                ps.setInt(1, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong("id"));
                        events.add(new OutboxEvent(Rows.uuid(rs, "event_id"), rs.getString("topic"), rs.getString("event_key"),
                                rs.getString("event_type"), rs.getString("schema_fingerprint"), rs.getBytes("payload"), Rows.instant(rs, "created_at")));
                    }
                }
            }
            if (events.isEmpty()) {
                return 0;
            }
            publish.accept(events);
            try (PreparedStatement ps = c.prepareStatement("UPDATE event_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ANY (?)")) {
                Rows.setInstant(ps, 1, Rows.now(clock));
                ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
                ps.executeUpdate();
            }
            return events.size();
        });
    }

    public long pending() {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM event_outbox WHERE delivered_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
