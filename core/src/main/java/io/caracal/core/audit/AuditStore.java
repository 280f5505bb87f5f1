package io.caracal.core.audit;


import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The audit log in PostgreSQL. Appending takes one lock for the chain, so however many audit consumers run, rows
 * get consecutive sequence numbers and each links to the one before. An event already logged (same topic and
 * event id) is not logged again. The table rejects UPDATE, DELETE and TRUNCATE; {@link #verify} finds rows
 * changed behind its back (by a superuser who disabled the trigger, or on disk).
 */
public final class AuditStore {
    private static final long CHAIN_LOCK = 0x0CA2ACA1_0000_0002L;
    private static final String COLUMNS = "seq, topic, kafka_partition, kafka_offset, event_id, event_type, agent_id, occurred_at,"
            + " recorded_at, schema_fingerprint, payload, details, prev_hash, row_hash";

    private final Database db;
    private final Clock clock;

    public AuditStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** An event to log; sequence number, times and hashes are assigned when it is appended. */
    public record Draft(String topic, int partition, long offset, UUID eventId, String eventType, UUID agentId, Instant occurredAt,
                        String schemaFingerprint, byte[] payload, String details) {
    }

    /** Appends the drafts not logged before, in order; returns how many were new. */
    public int append(List<Draft> drafts) {
        if (drafts.isEmpty()) {
            return 0;
        }
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                ps.setLong(1, CHAIN_LOCK);
                ps.execute();
            }
            Set<String> logged = logged(c, drafts);
            long seq = 0;
            byte[] prev = AuditChain.GENESIS;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1);
                    prev = rs.getBytes(2);
                }
            }
            Instant now = Rows.now(clock);
            int added = 0;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Draft d : drafts) {
                    if (!logged.add(d.topic() + "/" + d.eventId())) {
                        continue;
                    }
                    AuditEntry unsigned = new AuditEntry(++seq, d.topic(), d.partition(), d.offset(), d.eventId(), d.eventType(), d.agentId(),
                            d.occurredAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS), now, d.schemaFingerprint(), d.payload(),
                            d.details(), prev, null);
                    byte[] hash = AuditChain.hash(prev, unsigned);
                    set(ps, unsigned, hash);
                    ps.addBatch();
                    prev = hash;
                    added++;
                }
                if (added > 0) {
                    ps.executeBatch();
                }
            }
            return added;
        });
    }

    private static Set<String> logged(Connection c, List<Draft> drafts) throws SQLException {
        Set<String> logged = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT topic, event_id FROM audit_log WHERE event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", drafts.stream().map(Draft::eventId).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    logged.add(rs.getString(1) + "/" + rs.getObject(2));
                }
            }
        }
        return logged;
    }

    private static void set(PreparedStatement ps, AuditEntry e, byte[] hash) throws SQLException {
        ps.setLong(1, e.seq());
        ps.setString(2, e.topic());
        ps.setInt(3, e.partition());
        ps.setLong(4, e.offset());
        ps.setObject(5, e.eventId());
        ps.setString(6, e.eventType());
        Rows.setUuid(ps, 7, e.agentId());
        Rows.setInstant(ps, 8, e.occurredAt());
        Rows.setInstant(ps, 9, e.recordedAt());
        ps.setString(10, e.schemaFingerprint());
        ps.setBytes(11, e.payload());
        ps.setString(12, e.details());
        ps.setBytes(13, e.prevHash());
        ps.setBytes(14, hash);
    }

    /** Filters for {@link #query}; nulls and no event types mean "any". {@code eventTypes} are full schema names. */
    public record Query(Instant from, Instant to, Set<String> eventTypes, UUID agentId, int limit) {
        public Query {
            eventTypes = Set.copyOf(eventTypes);
        }
    }

    /** Matching rows, oldest first. */
    public List<AuditEntry> query(Query q) {
        return db.transaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE true");
            List<Object> args = new ArrayList<>();
            if (q.from() != null) {
                sql.append(" AND occurred_at >= ?");
                args.add(java.sql.Timestamp.from(q.from()));
            }
            if (q.to() != null) {
                sql.append(" AND occurred_at < ?");
                args.add(java.sql.Timestamp.from(q.to()));
            }
            if (!q.eventTypes().isEmpty()) {
                sql.append(" AND event_type = ANY (?)");
                args.add(c.createArrayOf("varchar", q.eventTypes().toArray()));
            }
            if (q.agentId() != null) {
                sql.append(" AND agent_id = ?");
                args.add(q.agentId());
            }
            sql.append(" ORDER BY seq LIMIT ?");
            args.add(q.limit());
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<AuditEntry> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(entry(rs));
                    }
                }
                return rows;
            }
        });
    }

    /**
     * The outcome of checking the chain: how many rows fit, the hash of the last one (worth recording elsewhere:
     * rows cut off the end leave no gap to find), and the first row that does not fit, if any.
     */
    public record Verification(long checked, byte[] headHash, Optional<Break> broken) {
        public boolean intact() {
            return broken.isEmpty();
        }
    }

    /** Where the chain breaks: the row's sequence number, its event and topic (null when the row is missing), and what is wrong. */
    public record Break(long seq, UUID eventId, String topic, String problem) {
    }

    /** Recomputes the chain from the first row: every hash, every link and every sequence number. */
    public Verification verify() {
        return db.transaction(c -> {
            byte[] prev = AuditChain.GENESIS;
            long expectedSeq = 1;
            long checked = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq")) {
                // Streams the log in pages (the transaction keeps the cursor open) instead of loading it whole.
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AuditEntry e = entry(rs);
                        Optional<Break> broken = check(e, expectedSeq, prev);
                        if (broken.isPresent()) {
                            return new Verification(checked, prev, broken);
                        }
                        prev = e.rowHash();
                        expectedSeq++;
                        checked++;
                    }
                }
            }
            return new Verification(checked, prev, Optional.empty());
        });
    }

    private static Optional<Break> check(AuditEntry e, long expectedSeq, byte[] prev) {
        if (e.seq() != expectedSeq) {
            return Optional.of(new Break(expectedSeq, null, null, "missing: the log jumps from row " + (expectedSeq - 1) + " to row " + e.seq()));
        }
        if (!Arrays.equals(e.prevHash(), prev)) {
            return Optional.of(new Break(e.seq(), e.eventId(), e.topic(), "does not link to the row before it"));
        }
        if (!Arrays.equals(AuditChain.hash(prev, e), e.rowHash())) {
            return Optional.of(new Break(e.seq(), e.eventId(), e.topic(), "its content does not match its hash: the row was changed"));
        }
        return Optional.empty();
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), rs.getString("topic"), rs.getInt("kafka_partition"), rs.getLong("kafka_offset"),
                Rows.uuid(rs, "event_id"), rs.getString("event_type"), Rows.uuid(rs, "agent_id"), Rows.instant(rs, "occurred_at"),
                Rows.instant(rs, "recorded_at"), rs.getString("schema_fingerprint"), rs.getBytes("payload"), rs.getString("details"),
                rs.getBytes("prev_hash"), rs.getBytes("row_hash"));
    }
}
