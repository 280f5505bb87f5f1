package io.caracal.core.ledger;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.MerkleTree;
import io.caracal.core.merkle.Proofs;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.store.Database;
import io.caracal.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integrator's interior nodes on real ledger events: written in the run that appends the leaf completing them,
 * filled in on the next run when a log has none (as one from before V15), and used by the proofs, which are refused
 * when a node was altered.
 */
class MerkleNodesTest {
    private HikariDataSource pool;
    private Database db;
    private MerkleLogStore log;
    private MerkleLog integrator;
    private Agent agent;
    private PemKeys.SigningKey key;
    private Instant next = Instant.parse("2026-11-20T12:00:00Z");

    @BeforeEach
    void aLogOf600Events(@TempDir Path keys) {
        pool = TestDatabase.pool("merkle_nodes_" + Long.toHexString(System.nanoTime()));
        db = new Database(pool);
        agent = new AgentStore(db, Clock.systemUTC()).create(new AgentDraft("nodes", "", "ops@example.com", null, Map.of()));
        log = new MerkleLogStore(db, Clock.systemUTC());
        key = PemKeys.generate(keys.resolve("key.pem"));
        integrator = new MerkleLog(log, "caracal-test", key, 100, Duration.ofMinutes(5));
        record(300);
        assertEquals(3, integrator.integrateAll().signed());
        record(300);
        assertEquals(3, integrator.integrateAll().signed());
    }

    @AfterEach
    void close() {
        pool.close();
    }

    private void record(int count) {
        List<MeteringEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            next = next.plus(1, ChronoUnit.MINUTES);
            events.add(new MeteringEvent(UUID.randomUUID(), agent.id(), null, new Money(new BigDecimal("0.25"), new CurrencyCode("USD")), next,
                    "api.example.com", Map.of(), Map.of()));
        }
        new LedgerStore(db, Clock.systemUTC()).write(events);
    }

    @Test
    void aBinaryExportOfBatchesWithGapsBridgesThemFromTheStoredNodesAndVerifies() throws Exception {
        List<MerkleLogStore.CheckpointRow> all = log.checkpoints();
        List<MerkleLogStore.CheckpointRow> included = List.of(all.get(0), all.get(2), all.get(5));
        java.io.ByteArrayOutputStream bundle = new java.io.ByteArrayOutputStream();
        long events = new BinaryBundleWriter(log, bundle).write("caracal-test", Instant.parse("2026-11-21T00:00:00Z"), null, null, all,
                included, log.keys());
        assertEquals(300, events);
        LedgerBundleVerifier.Result result = LedgerBundleVerifier.verify(new java.io.ByteArrayInputStream(bundle.toByteArray()),
                List.of(key.publicKey()));
        assertTrue(result.report().passed(), result.report().toString());
        assertEquals(3, result.report().checkpoints().size());
        assertEquals(300, result.report().eventsChecked());
    }

    private void asSuperuser(String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica"); // no triggers: what a superuser can do
            st.execute(sql);
        }
    }

    private Map<String, byte[]> storedNodes() throws Exception {
        Map<String, byte[]> nodes = new LinkedHashMap<>();
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT height, node_index, node_hash FROM merkle_nodes ORDER BY height, node_index")) {
            while (rs.next()) {
                nodes.put(rs.getInt(1) + "/" + rs.getLong(2), rs.getBytes(3));
            }
        }
        return nodes;
    }

    private MerkleTree treeOfTheStoredLeaves() {
        MerkleTree tree = new MerkleTree();
        log.leaves(0, log.size()).forEach(leaf -> tree.append(leaf.storedHash()));
        return tree;
    }

    /** Exactly the complete subtrees of 256 leaves in {@code tree}, with its hashes. */
    private void assertNodesOf(MerkleTree tree) throws Exception {
        Map<String, byte[]> nodes = storedNodes();
        List<String> expected = new ArrayList<>();
        for (long i = 0; i < tree.size() / 256; i++) {
            expected.add("8/" + i);
            assertArrayEquals(tree.subtreeRoot(i * 256, (i + 1) * 256), nodes.get("8/" + i), "node 8/" + i);
        }
        assertEquals(expected, List.copyOf(nodes.keySet()));
    }

    private UUID eventAt(long leaf) {
        return log.leaves(leaf, leaf + 1).get(0).eventId();
    }

    private MerkleLogStore.CheckpointRow checkpointOf(long size) {
        return log.checkpoints().stream().filter(c -> c.treeSize() == size).findFirst().orElseThrow();
    }

    @Test
    void theIntegratorWritesEachNodeInTheRunThatAppendsItsLastLeaf() throws Exception {
        assertNodesOf(treeOfTheStoredLeaves());
        record(300);
        // One run, which starts with both nodes of the first 600 leaves there, so it has nothing to fill in: node 8/2
        // (leaves 512 to 767) is written because this run appended leaf 767.
        assertEquals(300, integrator.integrate().appended());
        assertEquals(900, log.size());
        assertNodesOf(treeOfTheStoredLeaves());
    }

    @Test
    void proofsAreTheTreesProofsAndVerifyAgainstTheSignedRoots() throws Exception {
        MerkleTree tree = treeOfTheStoredLeaves();
        LedgerProofs proofs = new LedgerProofs(log);
        for (long leaf : new long[]{0, 255, 256, 257, 511, 512, 599}) {
            LedgerProofs.Inclusion inclusion = proofs.inclusion(eventAt(leaf), null);
            assertEquals(leaf, inclusion.leafIndex());
            assertSameProof(tree.inclusionProof(leaf, 600), inclusion.proof());
            Proofs.verifyInclusion(leaf, 600, inclusion.leafHash(), inclusion.proof(), checkpointOf(600).root());
        }
        LedgerProofs.Consistency consistency = proofs.consistency(checkpointOf(300).batchId(), checkpointOf(600).batchId());
        assertSameProof(tree.consistencyProof(300, 600), consistency.proof());
    }

    @Test
    void aLogWithoutNodesIsStillProvenAndGetsThemOnTheIntegratorsNextRun() throws Exception {
        asSuperuser("DELETE FROM merkle_nodes"); // the log as an installation from before V15 holds it
        MerkleTree tree = treeOfTheStoredLeaves();
        LedgerProofs proofs = new LedgerProofs(log);
        assertSameProof(tree.inclusionProof(300, 600), proofs.inclusion(eventAt(300), null).proof());

        record(1);
        assertEquals(1, integrator.integrateAll().appended());
        assertNodesOf(treeOfTheStoredLeaves());
        assertSameProof(tree.inclusionProof(300, 600), proofs.inclusion(eventAt(300), checkpointOf(600).batchId()).proof());
    }

    @Test
    void anAlteredNodeGivesNoProofOverIt() throws Exception {
        asSuperuser("UPDATE merkle_nodes SET node_hash = decode(repeat('11', 32), 'hex') WHERE height = 8 AND node_index = 0");
        LedgerProofs proofs = new LedgerProofs(log);
        assertThrows(LedgerTamperedException.class, () -> proofs.inclusion(eventAt(300), null), "leaf 300's proof has leaves 0-255 as a sibling");
        assertThrows(LedgerTamperedException.class, () -> proofs.consistency(checkpointOf(300).batchId(), checkpointOf(600).batchId()));
        assertEquals(10, proofs.inclusion(eventAt(10), null).leafIndex(), "leaf 10's proof does not go through that node");
    }

    private byte[] jsonExport() throws Exception {
        java.io.ByteArrayOutputStream bundle = new java.io.ByteArrayOutputStream();
        new LedgerBundleWriter(log).write(bundle, LedgerBundleWriter.Format.JSON, "caracal-test", Instant.parse("2026-11-21T00:00:00Z"), null, null);
        return bundle.toByteArray();
    }

    private static List<byte[]> hashes(com.fasterxml.jackson.databind.JsonNode proof) {
        List<byte[]> hashes = new ArrayList<>();
        proof.forEach(hash -> hashes.add(java.util.HexFormat.of().parseHex(hash.asText())));
        return hashes;
    }

    @Test
    void aJsonExportBuildsTheTreesProofsFromTheStoredNodes() throws Exception {
        MerkleTree tree = treeOfTheStoredLeaves();
        byte[] bytes = jsonExport();
        com.fasterxml.jackson.databind.JsonNode bundle = LedgerBundle.JSON.readTree(bytes);
        assertEquals(6, bundle.get("checkpoints").size());
        int pieces = 0;
        for (com.fasterxml.jackson.databind.JsonNode checkpoint : bundle.get("checkpoints")) {
            for (com.fasterxml.jackson.databind.JsonNode piece : checkpoint.get("batch_proof")) {
                assertSameProof(tree.subtreeConsistencyProof(piece.get("start").asLong(), piece.get("end").asLong(), checkpoint.get("tree_size").asLong()),
                        hashes(piece.get("proof")));
                pieces++;
            }
        }
        assertTrue(pieces >= 6, "at least one piece a batch: " + pieces);
        assertEquals(5, bundle.get("consistency_proofs").size());
        for (com.fasterxml.jackson.databind.JsonNode consistency : bundle.get("consistency_proofs")) {
            assertSameProof(tree.consistencyProof(consistency.get("from_size").asLong(), consistency.get("to_size").asLong()),
                    hashes(consistency.get("proof")));
        }
        LedgerBundleVerifier.Result result = LedgerBundleVerifier.verify(new java.io.ByteArrayInputStream(bytes), List.of(key.publicKey()));
        assertTrue(result.report().passed(), result.report().toString());
        assertEquals(600, result.report().eventsChecked());
    }

    @Test
    void aJsonExportOverAnAlteredNodeFailsVerificationNamingTheBatchesItsProofsPassThrough() throws Exception {
        asSuperuser("UPDATE merkle_nodes SET node_hash = decode(repeat('11', 32), 'hex') WHERE height = 8 AND node_index = 0");
        LedgerBundleVerifier.Result result = LedgerBundleVerifier.verify(new java.io.ByteArrayInputStream(jsonExport()), List.of(key.publicKey()));
        assertFalse(result.report().passed());
        java.util.Set<UUID> named = new java.util.HashSet<>();
        result.report().problems().forEach(problem -> named.add(problem.batchId()));
        // Leaves 0-255 are a sibling on the way to every batch after leaf 256, and in no proof of the two trees before it.
        assertTrue(named.contains(checkpointOf(300).batchId()) && named.contains(checkpointOf(600).batchId()), result.report().toString());
        assertFalse(named.contains(checkpointOf(100).batchId()) || named.contains(checkpointOf(200).batchId()), result.report().toString());
    }

    private static void assertSameProof(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "hash " + i);
        }
    }
}
