package io.caracal.core.ledger;

import io.caracal.core.merkle.CompactRange;
import io.caracal.core.merkle.ProofBuilder;
import io.caracal.core.merkle.Rfc6962;
import io.caracal.core.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Merkle log's interior nodes in PostgreSQL ({@code merkle_nodes}, V15): the hash of every complete perfect subtree
 * whose height is a multiple of {@value #STRIDE} (256 leaves, 65,536, ...), written in the transaction that appends the
 * leaf completing it. Any other node folds at most 128 hashes one stride below it, all in one block of 256 rows, so a
 * proof reads about one block per {@value #STRIDE} levels: O(log n) rows where rebuilding the tree read all n leaf
 * hashes. Fixed heights rather than C2SP tiles because a node row is final once written, so the table is append-only
 * like the leaves, where a partial tile would be rewritten as the log grows. Nothing read here is believed: proofs built
 * from it are verified against the signed roots before they are served.
 */
public final class MerkleNodeStore {
    private static final int STRIDE = 8;
    private static final int BLOCK = 1 << STRIDE;
    /** Leaf hashes read per query while filling in the nodes of a log from before V15; the nodes they complete are written after each. */
    private static final int FILL_CHUNK = 65_536;

    private final Database db;

    public MerkleNodeStore(Database db) {
        this.db = db;
    }

    /** Runs {@code work} over the stored tree, in one transaction. */
    public <T> T read(Function<StoredTree, T> work) {
        return db.transaction(c -> {
            try {
                return work.apply(new StoredTree(c));
            } catch (ReadFailed e) {
                throw e.getCause();
            }
        });
    }

    /**
     * The tree's perfect subtrees as the log stores them, read in blocks of 256 rows and kept for this tree's life. A node
     * missing from the table (a log from before V15 whose nodes are not filled in yet) is folded from the stride below.
     */
    public static final class StoredTree implements ProofBuilder.PerfectSubtrees {
        private final Connection c;
        private final Map<Long, byte[][]> blocks = new HashMap<>();
        private long rowsRead;

        private StoredTree(Connection c) {
            this.c = c;
        }

        /** Rows read so far: leaf hashes and stored nodes. */
        public long rowsRead() {
            return rowsRead;
        }

        @Override
        public byte[] hash(int height, long index) {
            int below = height % STRIDE;
            if (below == 0) {
                return stored(height, index);
            }
            return fold(height - below, index << below, 1 << below);
        }

        /** The hash at a stored height: a leaf hash at 0, else the stored node or, if there is none, its fold. */
        private byte[] stored(int height, long index) {
            byte[][] block = blocks.computeIfAbsent(((long) height << 56) | (index >>> STRIDE), key -> readBlock(height, index & -BLOCK));
            byte[] hash = block[(int) (index & (BLOCK - 1))];
            if (hash != null) {
                return hash;
            }
            if (height == 0) {
                throw new LedgerTamperedException("leaf " + index + " is missing from the Merkle log, under a signed checkpoint");
            }
            return fold(height - STRIDE, index << STRIDE, BLOCK);
        }

        /** The root of the perfect subtree over {@code count} (a power of two) stored hashes at {@code height} from {@code first}. */
        private byte[] fold(int height, long first, int count) {
            byte[][] level = new byte[count][];
            for (int i = 0; i < count; i++) {
                level[i] = stored(height, first + i);
            }
            for (int n = count; n > 1; n /= 2) {
                for (int i = 0; i < n / 2; i++) {
                    level[i] = Rfc6962.nodeHash(level[2 * i], level[2 * i + 1]);
                }
            }
            return level[0];
        }

        private byte[][] readBlock(int height, long first) {
            String sql = height == 0
                    ? "SELECT leaf_index, leaf_hash FROM merkle_leaves WHERE leaf_index >= ? AND leaf_index < ?"
                    : "SELECT node_index, node_hash FROM merkle_nodes WHERE height = " + height + " AND node_index >= ? AND node_index < ?";
            byte[][] block = new byte[BLOCK][];
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, first);
                ps.setLong(2, first + BLOCK);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        block[(int) (rs.getLong(1) - first)] = rs.getBytes(2);
                        rowsRead++;
                    }
                }
            } catch (SQLException e) {
                throw new ReadFailed(e);
            }
            return block;
        }
    }

    /**
     * Where the integrator's appends of leaves from {@code first} on put the nodes they complete, to be written in its
     * transaction by {@link #flush}. Nodes completed by earlier leaves (which the range is re-fed to resume) were written
     * with those leaves.
     */
    public static final class Writer implements CompactRange.Completions {
        private final Connection c;
        private final long first;
        private final List<Node> pending = new ArrayList<>();

        Writer(Connection c, long first) {
            this.c = c;
            this.first = first;
        }

        @Override
        public void completed(int height, long index, byte[] hash) {
            if (height % STRIDE == 0 && ((index + 1) << height) - 1 >= first) {
                pending.add(new Node(height, index, hash));
            }
        }

        public void flush() throws SQLException {
            if (pending.isEmpty()) {
                return;
            }
            // A node already there is left as it is: re-filling a log whose latest node was deleted must not fail on
            // the others, and a stored node that differs is found when a proof over it fails to verify.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO merkle_nodes (height, node_index, node_hash) VALUES (?, ?, ?)"
                    + " ON CONFLICT (height, node_index) DO NOTHING")) {
                for (Node node : pending) {
                    ps.setInt(1, node.height());
                    ps.setLong(2, node.index());
                    ps.setBytes(3, node.hash());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            pending.clear();
        }

        private record Node(int height, long index, byte[] hash) {
        }
    }

    /**
     * The writer for leaves appended from now on, in the integrator's transaction, once the nodes over the leaves already
     * in the log are there: a log from before V15 has them filled in first, once, from its leaf hashes (in chunks, so
     * memory stays bounded whatever the log's length).
     */
    static Writer writerAfterFilling(Connection c, long size) throws SQLException {
        if (storedAtFirstStride(c) < size >>> STRIDE) {
            fill(c, size);
        }
        return new Writer(c, size);
    }

    private static long storedAtFirstStride(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(node_index) + 1, 0) FROM merkle_nodes WHERE height = " + STRIDE);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Writes the nodes over leaves [0, size), stopping at a gap in the leaves (proofs over it then fail as tampering). */
    private static void fill(Connection c, long size) throws SQLException {
        CompactRange range = CompactRange.empty();
        Writer writer = new Writer(c, 0);
        try (PreparedStatement ps = c.prepareStatement("SELECT leaf_index, leaf_hash FROM merkle_leaves WHERE leaf_index >= ? AND leaf_index < ?"
                + " ORDER BY leaf_index")) {
            while (range.size() < size) {
                long from = range.size();
                ps.setLong(1, from);
                ps.setLong(2, Math.min(from + FILL_CHUNK, size));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && rs.getLong(1) == range.size()) {
                        range.append(rs.getBytes(2), writer);
                    }
                }
                writer.flush();
                if (range.size() == from) {
                    return;
                }
            }
        }
    }

    /** An SQLException out of a {@link ProofBuilder.PerfectSubtrees} read, which may not throw it, carried to {@link #read}. */
    private static final class ReadFailed extends RuntimeException {
        ReadFailed(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
