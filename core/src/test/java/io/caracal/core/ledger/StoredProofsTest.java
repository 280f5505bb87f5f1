package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.MerkleTree;
import io.caracal.core.merkle.ProofBuilder;
import io.caracal.core.store.Database;
import io.caracal.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proofs built from the stored nodes of a 66,000-leaf log against the in-memory tree's, at the edges of the stored
 * heights (255, 256, 257, 65,535, 65,536, ...) and at random sizes and leaves. The log's leaves are written straight
 * into merkle_leaves with no nodes, as a log from before V15 holds them, so the nodes read are the ones the
 * integrator's next run filled in.
 */
class StoredProofsTest {
    private static final int LEAVES = 66_000;
    private static final long[] EDGES = {0, 1, 2, 254, 255, 256, 257, 511, 512, 513, 65_534, 65_535, 65_536, 65_537, LEAVES - 1};

    private static HikariDataSource pool;
    private static MerkleNodeStore nodes;
    private static final MerkleTree TREE = new MerkleTree();

    @BeforeAll
    static void aLogFromBeforeTheNodesTable() throws Exception {
        pool = TestDatabase.pool("stored_proofs_" + Long.toHexString(System.nanoTime()));
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica"); // leaves naming no ledger event: the proofs only need their hashes
            st.execute("INSERT INTO merkle_leaves (leaf_index, event_id, leaf_hash, integrated_at) SELECT i, gen_random_uuid(),"
                    + " sha256(int8send(i)), now() - interval '1 hour' FROM generate_series(0, " + (LEAVES - 1) + ") i");
            try (ResultSet rs = st.executeQuery("SELECT leaf_hash FROM merkle_leaves ORDER BY leaf_index")) {
                while (rs.next()) {
                    TREE.append(rs.getBytes(1));
                }
            }
        }
        Database db = new Database(pool);
        MerkleLogStore log = new MerkleLogStore(db, Clock.systemUTC());
        Path keys = Files.createTempDirectory("stored-proofs");
        MerkleLog integrator = new MerkleLog(log, "caracal-test", PemKeys.generate(keys.resolve("key.pem")), 100_000, Duration.ofMinutes(5));
        assertEquals(List.of((long) LEAVES), integrator.integrateAll().batches(), "one checkpoint over the leaves");
        nodes = log.nodes();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void theIntegratorFilledInEveryNodeOfTheOlderLogAtTheStoredHeights() throws Exception {
        int count = 0;
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT height, node_index, node_hash FROM merkle_nodes ORDER BY height, node_index")) {
            while (rs.next()) {
                int height = rs.getInt(1);
                long index = rs.getLong(2);
                assertArrayEquals(TREE.subtreeRoot(index << height, (index + 1) << height), rs.getBytes(3), "node " + height + "/" + index);
                count++;
            }
        }
        assertEquals(LEAVES / 256 + LEAVES / 65_536, count, "every complete subtree of 256 and of 65,536 leaves, and nothing else");
    }

    @Test
    void inclusionProofsFromStoredNodesAreTheTreesProofs() {
        Random random = new Random(6962L);
        int checked = 0;
        for (long size : sizes(random)) {
            TreeSet<Long> indexes = new TreeSet<>();
            for (long edge : EDGES) {
                if (edge < size) {
                    indexes.add(edge);
                }
            }
            indexes.add(size - 1);
            for (int i = 0; i < 4; i++) {
                indexes.add((long) random.nextInt((int) size));
            }
            for (long index : indexes) {
                assertSameProof(TREE.inclusionProof(index, size), nodes.read(tree -> new ProofBuilder(tree).inclusionProof(index, size)),
                        "leaf " + index + " of " + size);
                checked++;
            }
        }
        assertTrue(checked > 200, checked + " proofs");
    }

    @Test
    void consistencyProofsFromStoredNodesAreTheTreesProofs() {
        List<Long> sizes = new ArrayList<>(sizes(new Random(9162L)));
        for (long size1 : sizes) {
            for (long size2 : sizes) {
                if (size1 <= size2) {
                    assertSameProof(TREE.consistencyProof(size1, size2), nodes.read(tree -> new ProofBuilder(tree).consistencyProof(size1, size2)),
                            size1 + " to " + size2);
                }
            }
        }
    }

    /** About one block of 256 rows per 8 levels, where rebuilding the tree read all 66,000 leaf hashes. */
    @Test
    void aProofReadsAFewBlocksNotTheLog() {
        for (long index : EDGES) {
            long inclusion = nodes.read(tree -> {
                new ProofBuilder(tree).inclusionProof(index, LEAVES);
                return tree.rowsRead();
            });
            assertTrue(inclusion <= 4 * 256, "inclusion of leaf " + index + " read " + inclusion + " rows");
            if (index > 0) {
                long consistency = nodes.read(tree -> {
                    new ProofBuilder(tree).consistencyProof(index, LEAVES);
                    return tree.rowsRead();
                });
                assertTrue(consistency <= 5 * 256, "consistency from " + index + " read " + consistency + " rows");
            }
        }
    }

    private static TreeSet<Long> sizes(Random random) {
        TreeSet<Long> sizes = new TreeSet<>();
        for (long edge : EDGES) {
            sizes.add(edge + 1);
        }
        for (int i = 0; i < 8; i++) {
            sizes.add(1L + random.nextInt(LEAVES));
        }
        return sizes;
    }

    private static void assertSameProof(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ", hash " + i);
        }
    }
}
