package io.caracal.core.pipeline;

import io.caracal.core.store.Database;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Replays started by {@code caracal replay start}, kept in PostgreSQL so {@code caracal replay status} can report
 * them from any process (v0.3 kept them in memory, so status never found anything).
 */
public final class OffsetReplayStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Position>> POSITIONS = new TypeReference<>() {
    };

    private final Database db;
    private final Clock clock;

    public OffsetReplayStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** One partition of a replay: where the group was sent back to, and where the partition ended at that moment. */
    public record Position(String topic, int partition, long startOffset, long endOffset) {
    }

    /** A replay from a point in time ({@code fromTimestamp}) or from a ledger snapshot ({@code fromSnapshot}); the other is null. */
    public record Replay(UUID id, String consumerGroup, Instant fromTimestamp, UUID fromSnapshot, Instant startedAt, List<Position> positions) {
    }

    public Replay record(String consumerGroup, Instant fromTimestamp, UUID fromSnapshot, List<Position> positions) {
        Replay replay = new Replay(UUID.randomUUID(), consumerGroup, fromTimestamp, fromSnapshot, clock.instant(), List.copyOf(positions));
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO event_replays (id, consumer_group, from_timestamp, from_snapshot,"
                    + " started_at, positions) VALUES (?, ?, ?, ?, ?, ?::jsonb)")) {
                ps.setObject(1, replay.id());
                ps.setString(2, consumerGroup);
                ps.setTimestamp(3, fromTimestamp == null ? null : Timestamp.from(fromTimestamp));
                ps.setString(4, fromSnapshot == null ? null : fromSnapshot.toString());
                ps.setTimestamp(5, Timestamp.from(replay.startedAt()));
                ps.setString(6, JSON.writeValueAsString(positions));
                return ps.executeUpdate();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        return replay;
    }

    /** The latest {@code limit} replays, newest first. */
    public List<Replay> recent(int limit) {
        return db.transaction(c -> {
            List<Replay> replays = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, consumer_group, from_timestamp, from_snapshot, started_at, positions::text"
                    + " FROM event_replays ORDER BY started_at DESC, id LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        replays.add(new Replay(rs.getObject(1, UUID.class), rs.getString(2), instant(rs.getTimestamp(3)),
                                rs.getString(4) == null ? null : UUID.fromString(rs.getString(4)), rs.getTimestamp(5).toInstant(),
                                JSON.readValue(rs.getString(6), POSITIONS)));
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("event_replays.positions is not what replay start writes", e);
            }
            return replays;
        });
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
