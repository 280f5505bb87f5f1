package io.caracal.core.ledger;

import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ledger.LedgerSnapshot.AgentTotal;
import io.caracal.core.ledger.LedgerSnapshot.GroupOffset;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Ledger snapshots in PostgreSQL (append-only). A snapshot's checkpoint and totals are read in one repeatable-read
 * transaction, so they describe the same ledger (v0.3 read each figure in a separate query).
 */
public final class SnapshotStore {
    private static final String TOTALS_AT = "SELECT e.agent_id, e.currency, count(*), sum(e.amount) FROM merkle_leaves l"
            + " JOIN ledger_events e ON e.event_id = l.event_id WHERE l.leaf_index < ? GROUP BY e.agent_id, e.currency ORDER BY 1, 2";

    private final Database db;
    private final Clock clock;

    public SnapshotStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A new snapshot and the totals it recorded. */
    public record Created(LedgerSnapshot snapshot, List<AgentTotal> totals) {
    }

    /**
     * Records the latest checkpoint with the totals of the events it covers and {@code offsets}, which the caller read
     * before this (a consumer commits after its database write, so every record before them is in what is read here).
     */
    public Created create(List<GroupOffset> offsets) {
        return db.transaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            }
            MerkleLogStore.CheckpointRow checkpoint = MerkleLogStore.latestCheckpoint(c).orElseThrow(() -> new InvalidInputException(
                    "the ledger has no signed checkpoint yet: run the ledger function with MERKLE_SIGNING_KEY_PATH, or `caracal merkle backfill`"));
            List<AgentTotal> totals = totals(c, checkpoint.treeSize());
            long events = totals.stream().mapToLong(AgentTotal::eventCount).sum();
            if (events != checkpoint.treeSize()) {
                throw new InvalidInputException("checkpoint " + checkpoint.batchId() + " covers " + checkpoint.treeSize() + " events but the ledger"
                        + " has " + events + " of them: run `caracal merkle verify-batch --batch-id " + checkpoint.batchId() + "`");
            }
            UUID id = UUID.randomUUID();
            insertTotals(c, id, totals);
            insertOffsets(c, id, offsets);
            LedgerSnapshot snapshot = new LedgerSnapshot(id, Rows.now(clock), checkpoint.batchId(), checkpoint.treeSize(), checkpoint.root(),
                    checkpoint.note(), events, 0);
            snapshot = insertHeader(c, snapshot);
            return new Created(snapshot, totals);
        });
    }

    /** Newest first. */
    public List<LedgerSnapshot> list(int limit) {
        return db.transaction(c -> headers(c, "ORDER BY created_at DESC, snapshot_id LIMIT ?", limit));
    }

    public Optional<LedgerSnapshot> find(UUID id) {
        return db.transaction(c -> headers(c, "WHERE snapshot_id = ?", id).stream().findFirst());
    }

    public List<AgentTotal> totals(UUID snapshotId) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, currency, event_count, amount FROM ledger_snapshot_totals"
                    + " WHERE snapshot_id = ? ORDER BY 1, 2")) {
                ps.setObject(1, snapshotId);
                return readTotals(ps);
            }
        });
    }

    public List<GroupOffset> offsets(UUID snapshotId) {
        return db.transaction(c -> {
            List<GroupOffset> offsets = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT consumer_group, topic, partition, committed_offset FROM ledger_snapshot_offsets"
                    + " WHERE snapshot_id = ? ORDER BY 1, 2, 3")) {
                ps.setObject(1, snapshotId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        offsets.add(new GroupOffset(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
                    }
                }
            }
            return offsets;
        });
    }

    /** The per-agent totals of the events at leaves below {@code treeSize}, as the ledger holds them now. */
    public List<AgentTotal> ledgerTotals(long treeSize) {
        return db.transaction(c -> totals(c, treeSize));
    }

    private static List<AgentTotal> totals(Connection c, long treeSize) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TOTALS_AT)) {
            ps.setLong(1, treeSize);
            return readTotals(ps);
        }
    }

    private static List<AgentTotal> readTotals(PreparedStatement ps) throws SQLException {
        List<AgentTotal> totals = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                totals.add(new AgentTotal(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getBigDecimal(4)));
            }
        }
        return totals;
    }

    private static void insertTotals(Connection c, UUID id, List<AgentTotal> totals) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_snapshot_totals (snapshot_id, agent_id, currency, event_count, amount)"
                + " VALUES (?, ?, ?, ?, ?)")) {
            for (AgentTotal t : totals) {
                ps.setObject(1, id);
                ps.setObject(2, t.agentId());
                ps.setString(3, t.currency());
                ps.setLong(4, t.eventCount());
                ps.setBigDecimal(5, t.amount());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertOffsets(Connection c, UUID id, List<GroupOffset> offsets) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_snapshot_offsets (snapshot_id, consumer_group, topic, partition,"
                + " committed_offset) VALUES (?, ?, ?, ?, ?)")) {
            for (GroupOffset o : offsets) {
                ps.setObject(1, id);
                ps.setString(2, o.consumerGroup());
                ps.setString(3, o.topic());
                ps.setInt(4, o.partition());
                ps.setLong(5, o.offset());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Writes the header last, with the size of everything the snapshot stores: its rows as PostgreSQL keeps them. */
    private static LedgerSnapshot insertHeader(Connection c, LedgerSnapshot s) throws SQLException {
        long size;
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM ledger_snapshot_totals t"
                + " WHERE t.snapshot_id = ?) + (SELECT coalesce(sum(pg_column_size(o.*)), 0) FROM ledger_snapshot_offsets o WHERE o.snapshot_id = ?)"
                + " + pg_column_size(ROW(?::uuid, ?::timestamptz, ?::uuid, ?::bigint, ?::bytea, ?::text, ?::bigint, 0::bigint))")) {
            ps.setObject(1, s.id());
            ps.setObject(2, s.id());
            ps.setObject(3, s.id());
            Rows.setInstant(ps, 4, s.createdAt());
            ps.setObject(5, s.batchId());
            ps.setLong(6, s.treeSize());
            ps.setBytes(7, s.root());
            ps.setString(8, s.signedNote());
            ps.setLong(9, s.totalEvents());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                size = rs.getLong(1);
            }
        }
        LedgerSnapshot sized = new LedgerSnapshot(s.id(), s.createdAt(), s.batchId(), s.treeSize(), s.root(), s.signedNote(), s.totalEvents(), size);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_snapshots (snapshot_id, created_at, batch_id, tree_size, root_hash,"
                + " signed_note, total_events, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, sized.id());
            Rows.setInstant(ps, 2, sized.createdAt());
            ps.setObject(3, sized.batchId());
            ps.setLong(4, sized.treeSize());
            ps.setBytes(5, sized.root());
            ps.setString(6, sized.signedNote());
            ps.setLong(7, sized.totalEvents());
            ps.setLong(8, sized.sizeBytes());
            ps.executeUpdate();
        }
        return sized;
    }

    private static List<LedgerSnapshot> headers(Connection c, String where, Object parameter) throws SQLException {
        List<LedgerSnapshot> snapshots = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT snapshot_id, created_at, batch_id, tree_size, root_hash, signed_note, total_events,"
                + " size_bytes FROM ledger_snapshots " + where)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    snapshots.add(new LedgerSnapshot(Rows.uuid(rs, "snapshot_id"), Rows.instant(rs, "created_at"), Rows.uuid(rs, "batch_id"),
                            rs.getLong("tree_size"), rs.getBytes("root_hash"), rs.getString("signed_note"), rs.getLong("total_events"),
                            rs.getLong("size_bytes")));
                }
            }
        }
        return snapshots;
    }
}
