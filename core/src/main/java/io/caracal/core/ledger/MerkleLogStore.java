package io.caracal.core.ledger;

import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.core.merkle.CompactRange;

import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The Merkle log in PostgreSQL: leaves (ledger events in log order), signed checkpoints and the keys that signed
 * them. Only one integrator works at a time, whichever replica it runs in: it holds a transaction-scoped advisory
 * lock, so leaf indexes have no gaps and checkpoints no forks.
 */
public final class MerkleLogStore implements LedgerVerifier.Log {
    private static final long INTEGRATOR_LOCK = 0x0CA2ACA1_0000_0003L;
    private static final int LEAVES_PER_FETCH = 20_000;
    private static final String CHECKPOINT_COLUMNS = "batch_id, first_leaf, tree_size, root_hash, key_id, signed_note, created_at";

    private final Database db;
    private final Clock clock;
    private final MerkleNodeStore nodes;

    public MerkleLogStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.nodes = new MerkleNodeStore(db);
    }

    public record CheckpointRow(UUID batchId, long firstLeaf, long treeSize, byte[] root, String keyId, String note, Instant createdAt) {
    }

    /**
     * A checkpoint with the compact range stored beside it, not believed yet: whoever can write the table can write
     * the range, so it counts only once {@link #verified} folds it to the root the checkpoint's note signs.
     */
    public record StoredRange(CheckpointRow checkpoint, byte[] encoded) {
        /** The range, once one of {@code keys} signed the note, the stored root and size are the signed ones, and the range leads to that root. */
        public CompactRange verified(Collection<NoteKey> keys) throws InvalidCheckpointException {
            Checkpoint signed = SignedNotes.verify(checkpoint.note(), keys).checkpoint();
            CompactRange range;
            try {
                range = CompactRange.decode(checkpoint.treeSize(), encoded);
            } catch (IllegalArgumentException e) {
                throw new InvalidCheckpointException("its stored compact range was altered: " + e.getMessage());
            }
            if (signed.size() != checkpoint.treeSize() || !MessageDigest.isEqual(checkpoint.root(), signed.root())) {
                throw new InvalidCheckpointException("its stored root or size differs from the signed one");
            }
            if (!MessageDigest.isEqual(range.root(), signed.root())) {
                throw new InvalidCheckpointException("its stored compact range was altered: it does not lead to the signed root");
            }
            return range;
        }
    }

    /** A leaf as stored, with the ledger event at its position now (null if that event is gone). */
    public record Leaf(long index, UUID eventId, byte[] storedHash, LedgerRow event) {
    }

    /** What the integrator does while it holds the lock; {@code integrate} and {@code checkpoint} act in its transaction. */
    public interface Integration {
        void run(Session session) throws SQLException;
    }

    /** The integrator's view inside its transaction. */
    public final class Session {
        private final Connection c;

        private Session(Connection c) {
            this.c = c;
        }

        /**
         * Appends up to {@code max} ledger events not yet in the log, oldest recorded first; returns their leaf hashes in
         * order. The events are read and hashed by {@link LeafReader}, and the leaves written by one binary COPY. Only
         * events written at or past the stored horizon are searched (migration V17); when this run finds fewer than
         * {@code max}, it has taken every event written before its own snapshot, and the horizon moves up to the
         * oldest transaction that snapshot saw running, read before the search so that it is no later than the search's.
         * A horizon counted in another server's transaction ids (a logical restore from it, which starts them again from
         * low numbers) would hide every new event, so the search then starts from 0.
         */
        public List<byte[]> integrate(int max) throws SQLException {
            long next = MerkleLogStore.size(c);
            long horizon;
            long oldestRunning;
            long server;
            try (PreparedStatement ps = c.prepareStatement("SELECT i.horizon, i.server IS NOT DISTINCT FROM p.system_identifier,"
                    + " pg_snapshot_xmin(pg_current_snapshot())::text::bigint, p.system_identifier FROM merkle_integration i, pg_control_system() p");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                horizon = rs.getBoolean(2) ? rs.getLong(1) : 0;
                oldestRunning = rs.getLong(3);
                server = rs.getLong(4);
            }
            List<LeafReader.Read> added = LeafReader.unlogged(c, next, horizon, max);
            if (!added.isEmpty()) {
                copyLeaves(c, added, Rows.now(clock));
            }
            if (added.size() < max && oldestRunning > horizon) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE merkle_integration SET horizon = ?, server = ?")) {
                    ps.setLong(1, oldestRunning);
                    ps.setLong(2, server);
                    ps.executeUpdate();
                }
            }
            return added.stream().map(LeafReader.Read::hash).toList();
        }

        public long size() throws SQLException {
            return MerkleLogStore.size(c);
        }

        public Optional<CheckpointRow> latestCheckpoint() throws SQLException {
            return MerkleLogStore.latestCheckpoint(c);
        }

        /** When leaf {@code index} joined the log. */
        public Instant integratedAt(long index) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT integrated_at FROM merkle_leaves WHERE leaf_index = ?")) {
                ps.setLong(1, index);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Rows.instant(rs, "integrated_at");
                }
            }
        }

        public List<byte[]> leafHashes(long from, long to) throws SQLException {
            return MerkleLogStore.leafHashes(c, from, to);
        }

        public Optional<StoredRange> rangeAtOrBefore(long size) throws SQLException {
            return MerkleLogStore.rangeAtOrBefore(c, size);
        }

        public List<NoteKey> keys() throws SQLException {
            return MerkleLogStore.keys(c);
        }

        /** Records {@code checkpoint} with {@code range}, the compact range of its tree. */
        public void addCheckpoint(CheckpointRow checkpoint, CompactRange range) throws SQLException {
            if (range.size() != checkpoint.treeSize()) {
                throw new IllegalArgumentException("the compact range of " + range.size() + " leaves is not checkpoint " + checkpoint.treeSize() + "'s");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO merkle_checkpoints (batch_id, first_leaf, tree_size, root_hash, key_id,"
                    + " signed_note, created_at, compact_range) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, checkpoint.batchId());
                ps.setLong(2, checkpoint.firstLeaf());
                ps.setLong(3, checkpoint.treeSize());
                ps.setBytes(4, checkpoint.root());
                ps.setString(5, checkpoint.keyId());
                ps.setString(6, checkpoint.note());
                Rows.setInstant(ps, 7, checkpoint.createdAt());
                ps.setBytes(8, range.encoded());
                ps.executeUpdate();
            }
        }

        public Instant now() {
            return Rows.now(clock);
        }

        /** Where to put the nodes that leaves appended from now on complete (see {@link MerkleNodeStore#writerAfterFilling}). */
        public MerkleNodeStore.Writer nodeWriter() throws SQLException {
            return MerkleNodeStore.writerAfterFilling(c, MerkleLogStore.size(c));
        }
    }

    /** Runs {@code integration} if no other integrator is running; returns false when another one holds the log. */
    public boolean integrate(Integration integration) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                ps.setLong(1, INTEGRATOR_LOCK);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return false;
                    }
                }
            }
            integration.run(new Session(c));
            return true;
        });
    }

    /** Records a signing key's public half; registering it again changes nothing. */
    public void registerKey(NoteKey key) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO merkle_keys (key_id, key_name, public_key, added_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (key_id) DO NOTHING")) {
                ps.setString(1, key.keyId());
                ps.setString(2, key.name());
                ps.setBytes(3, key.publicKey().getEncoded());
                Rows.setInstant(ps, 4, Rows.now(clock));
                ps.executeUpdate();
            }
            return null;
        });
    }

    public List<NoteKey> keys() {
        return db.transaction(MerkleLogStore::keys);
    }

    private static List<NoteKey> keys(Connection c) throws SQLException {
        List<NoteKey> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key_name, public_key FROM merkle_keys ORDER BY added_at");
             ResultSet rs = ps.executeQuery()) {
            KeyFactory factory = KeyFactory.getInstance("EC");
            while (rs.next()) {
                keys.add(new NoteKey(rs.getString(1), (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(rs.getBytes(2)))));
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("a stored Merkle key is not an EC public key", e);
        }
        return keys;
    }

    /** The latest checkpoint at or before tree size {@code size} that has a compact range stored, with the range. */
    public Optional<StoredRange> rangeAtOrBefore(long size) {
        return db.transaction(c -> rangeAtOrBefore(c, size));
    }

    /** The compact ranges stored with the checkpoints of tree sizes in ({@code from}, {@code to}], by tree size. */
    public Map<Long, byte[]> storedRanges(long from, long to) {
        return db.transaction(c -> {
            Map<Long, byte[]> ranges = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT tree_size, compact_range FROM merkle_checkpoints"
                    + " WHERE tree_size > ? AND tree_size <= ? AND compact_range IS NOT NULL")) {
                ps.setLong(1, from);
                ps.setLong(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ranges.put(rs.getLong(1), rs.getBytes(2));
                    }
                }
            }
            return ranges;
        });
    }

    public List<CheckpointRow> checkpoints() {
        return db.transaction(c -> checkpoints(c, " ORDER BY tree_size"));
    }

    /**
     * The checkpoints whose batches hold any of leaves [from, to), in order: read through the tree-size index up to the
     * first checkpoint at or past {@code to}, so verifying one batch or one event reads its neighbours, not every row.
     */
    public List<CheckpointRow> checkpointsOver(long from, long to) {
        return db.transaction(c -> checkpoints(c, " WHERE tree_size > " + from + " AND tree_size <= (SELECT coalesce(min(tree_size), " + Long.MAX_VALUE
                + ") FROM merkle_checkpoints WHERE tree_size >= " + to + ") AND first_leaf < " + to + " ORDER BY tree_size"));
    }

    public Optional<CheckpointRow> latestCheckpoint() {
        return db.transaction(MerkleLogStore::latestCheckpoint);
    }

    /** One checkpoint by its batch id: a proof reads the checkpoints it names, not every one. */
    public Optional<CheckpointRow> checkpoint(UUID batchId) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CHECKPOINT_COLUMNS + " FROM merkle_checkpoints WHERE batch_id = ?")) {
                ps.setObject(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(checkpoint(rs)) : Optional.empty();
                }
            }
        });
    }

    public long size() {
        return db.transaction(MerkleLogStore::size);
    }

    /** The log's stored interior nodes, which proofs are built from. */
    public MerkleNodeStore nodes() {
        return nodes;
    }

    /** Leaves [from, to) with the ledger event each names, read now. */
    public List<Leaf> leaves(long from, long to) {
        List<Leaf> leaves = new ArrayList<>();
        forEachLeaf(from, to, leaves::add);
        return leaves;
    }

    /**
     * Leaves [from, to) with the ledger event each names, read now, in leaf order: one query joining the events,
     * streamed through a server-side cursor in fetches of {@value #LEAVES_PER_FETCH}, so memory stays bounded
     * whatever the range.
     */
    public void forEachLeaf(long from, long to, Consumer<Leaf> each) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT l.leaf_index, l.event_id AS leaf_event_id, l.leaf_hash, " + LedgerStore.ROW_COLUMNS
                    + " FROM merkle_leaves l LEFT JOIN ledger_events e ON e.event_id = l.event_id"
                    + " WHERE l.leaf_index >= ? AND l.leaf_index < ? ORDER BY l.leaf_index")) {
                ps.setLong(1, from);
                ps.setLong(2, to);
                ps.setFetchSize(LEAVES_PER_FETCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LedgerRow event = rs.getObject("event_id") == null ? null : LedgerStore.row(rs);
                        each.accept(new Leaf(rs.getLong("leaf_index"), (UUID) rs.getObject("leaf_event_id"), rs.getBytes("leaf_hash"), event));
                    }
                }
            }
            return null;
        });
    }

    /**
     * Where verify-range should read leaves [0, {@code size}) and the events of [from, to) from: one scan of each table
     * joined in memory when the log fits and at least a quarter of it is to be checked (its first checkpoint covering
     * the range may be far back, and PostgreSQL's join then costs more than the scans), else PostgreSQL's joins.
     */
    LedgerVerifier.Log logFor(Instant from, Instant to, long size, Instant recordedBefore) {
        if (!LedgerScan.fits(size)) {
            return this;
        }
        return db.transaction(c -> {
            long quarter = (size + 3) / 4;
            // Counting stops at a quarter: for the whole log, it reads a quarter of the table, not all of it.
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM ledger_events WHERE occurred_at >= ? AND occurred_at < ? LIMIT ?) e")) {
                Rows.setInstant(ps, 1, from);
                Rows.setInstant(ps, 2, to);
                ps.setLong(3, quarter);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) < quarter) {
                        return this;
                    }
                }
            }
            return LedgerScan.read(c, size, recordedBefore);
        });
    }

    /**
     * Leaves [from, to) as stored, in leaf order, each with the hash of the ledger event at its index as that event
     * is now, read by binary COPY and hashed on every core ({@link LeafReader}); memory stays bounded whatever the range.
     */
    @Override
    public void forEachRecomputedLeaf(long from, long to, LedgerVerifier.Leaves each) {
        db.transaction(c -> {
            LeafReader.leaves(c, from, to, each::take);
            return null;
        });
    }

    public Optional<Long> leafIndex(UUID eventId) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT leaf_index FROM merkle_leaves WHERE event_id = ?")) {
                ps.setObject(1, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    /** Leaf indexes of the events that occurred in [from, to). */
    @Override
    public List<Long> leafIndexesBetween(Instant from, Instant to) {
        return db.transaction(c -> {
            List<Long> indexes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT l.leaf_index FROM merkle_leaves l JOIN ledger_events e ON e.event_id = l.event_id"
                    + " WHERE e.occurred_at >= ? AND e.occurred_at < ? ORDER BY l.leaf_index")) {
                Rows.setInstant(ps, 1, from);
                Rows.setInstant(ps, 2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        indexes.add(rs.getLong(1));
                    }
                }
            }
            return indexes;
        });
    }

    /** Ledger events that occurred in [from, to) and recorded before {@code recordedBefore} but are in no leaf. */
    @Override
    public List<UUID> eventsOutsideTheLog(Instant from, Instant to, Instant recordedBefore) {
        return db.transaction(c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT e.event_id FROM ledger_events e WHERE e.occurred_at >= ? AND e.occurred_at < ?"
                    + " AND e.recorded_at < ? AND NOT EXISTS (SELECT 1 FROM merkle_leaves l WHERE l.event_id = e.event_id) ORDER BY e.event_id")) {
                Rows.setInstant(ps, 1, from);
                Rows.setInstant(ps, 2, to);
                Rows.setInstant(ps, 3, recordedBefore);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add((UUID) rs.getObject(1));
                    }
                }
            }
            return ids;
        });
    }

    /** Ledger events under no checkpoint yet: not in the first {@code signedSize} leaves of the log. */
    public long unsignedEvents(long signedSize) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ledger_events e WHERE NOT EXISTS"
                    + " (SELECT 1 FROM merkle_leaves l WHERE l.event_id = e.event_id AND l.leaf_index < ?)")) {
                ps.setLong(1, signedSize);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static long size(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(leaf_index) + 1, 0) FROM merkle_leaves"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Optional<CheckpointRow> latestCheckpoint(Connection c) throws SQLException {
        return checkpoints(c, " ORDER BY tree_size DESC LIMIT 1").stream().findFirst();
    }

    /** Writes {@code leaves} into merkle_leaves with one binary COPY: a row is its index, event id, hash and {@code now}. */
    private static void copyLeaves(Connection c, List<LeafReader.Read> leaves, Instant now) throws SQLException {
        // The header (signature, flags, extension length), a tuple per leaf (field count, then each field's length and
        // bytes: 8, 16, 32 and 8), and the trailer.
        ByteBuffer out = ByteBuffer.allocate(CopyTuples.SIGNATURE.length + 8 + leaves.size() * (2 + 4 * 4 + 8 + 16 + 32 + 8) + 2);
        out.put(CopyTuples.SIGNATURE).putInt(0).putInt(0);
        long integratedAt = LedgerLeaf.micros(now) - CopyTuples.POSTGRES_EPOCH_MICROS;
        for (LeafReader.Read leaf : leaves) {
            out.putShort((short) 4);
            out.putInt(8).putLong(leaf.index());
            out.putInt(16).putLong(leaf.eventId().getMostSignificantBits()).putLong(leaf.eventId().getLeastSignificantBits());
            out.putInt(leaf.hash().length).put(leaf.hash());
            out.putInt(8).putLong(integratedAt);
        }
        out.putShort((short) -1);
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY merkle_leaves (leaf_index, event_id, leaf_hash, integrated_at) FROM STDIN (FORMAT binary)",
                    new ByteArrayInputStream(out.array(), 0, out.position()));
        } catch (IOException e) {
            throw new SQLException("cannot write the leaves: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> leafHashes(Connection c, long from, long to) throws SQLException {
        List<byte[]> hashes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT leaf_hash FROM merkle_leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hashes.add(rs.getBytes(1));
                }
            }
        }
        return hashes;
    }

    private static Optional<StoredRange> rangeAtOrBefore(Connection c, long size) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CHECKPOINT_COLUMNS + ", compact_range FROM merkle_checkpoints"
                + " WHERE tree_size <= ? AND compact_range IS NOT NULL ORDER BY tree_size DESC LIMIT 1")) {
            ps.setLong(1, size);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new StoredRange(checkpoint(rs), rs.getBytes("compact_range"))) : Optional.empty();
            }
        }
    }

    private static List<CheckpointRow> checkpoints(Connection c, String order) throws SQLException {
        List<CheckpointRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CHECKPOINT_COLUMNS + " FROM merkle_checkpoints" + order);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(checkpoint(rs));
            }
        }
        return rows;
    }

    private static CheckpointRow checkpoint(ResultSet rs) throws SQLException {
        return new CheckpointRow(Rows.uuid(rs, "batch_id"), rs.getLong("first_leaf"), rs.getLong("tree_size"), rs.getBytes("root_hash"),
                rs.getString("key_id"), rs.getString("signed_note"), Rows.instant(rs, "created_at"));
    }
}
