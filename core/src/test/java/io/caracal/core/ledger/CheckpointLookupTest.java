package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.store.Database;
import io.caracal.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The checkpoints verify-event and verify-batch read: those whose batches hold the leaves they rebuild, found through
 * the tree-size index, on real PostgreSQL, for batches [0, 3), [3, 6), [6, 8).
 */
class CheckpointLookupTest {
    private static HikariDataSource pool;
    private static MerkleLogStore log;

    @BeforeAll
    static void threeBatches() throws Exception {
        pool = TestDatabase.pool("checkpoint_lookup_" + Long.toHexString(System.nanoTime()));
        TestDatabase.execute(pool, "INSERT INTO agents (id, name, owner, created_at, updated_at) VALUES ('7a3f2b8c-0000-4000-8000-000000000003', 'lookup',"
                + " 'ops@example.com', now(), now())");
        TestDatabase.execute(pool, "INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at) SELECT gen_random_uuid(),"
                + " '7a3f2b8c-0000-4000-8000-000000000003', n, 'USD', now(), now() + n * interval '1 ms' FROM generate_series(1, 8) n");
        log = new MerkleLogStore(new Database(pool), Clock.systemUTC());
        MerkleLog integrator = new MerkleLog(log, "caracal-test", PemKeys.generate(Files.createTempDirectory("lookup").resolve("key.pem")), 3,
                Duration.ofMinutes(5));
        assertEquals(List.of(3L, 3L, 2L), integrator.integrateAll().batches());
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void readsTheBatchesThatHoldTheLeavesAndNoOthers() {
        assertEquals(List.of(6L), sizesOver(3, 4));
        assertEquals(List.of(6L), sizesOver(5, 6));
        assertEquals(List.of(3L, 6L), sizesOver(2, 4));
        assertEquals(List.of(3L, 6L, 8L), sizesOver(0, 8));
        assertEquals(List.of(8L), sizesOver(7, 8));
        assertEquals(List.of(8L), sizesOver(6, 100));
        assertEquals(List.of(), sizesOver(8, 9));
    }

    @Test
    void verifiesAnEventAndABatchFromTheirOwnCheckpoints() throws Exception {
        LedgerVerifier verifier = new LedgerVerifier(log);
        MerkleLogStore.Leaf fifth = log.leaves(4, 5).get(0);
        LedgerVerifier.Report event = verifier.verifyEvent(fifth.eventId()).orElseThrow();
        assertEquals(List.of(6L), event.checkpoints().stream().map(r -> r.checkpoint().treeSize()).toList());
        assertEquals(List.of(), event.problems());
        MerkleLogStore.CheckpointRow last = log.checkpointsOver(7, 8).get(0);
        LedgerVerifier.Report batch = verifier.verifyBatch(last.batchId()).orElseThrow();
        assertEquals(List.of(8L), batch.checkpoints().stream().map(r -> r.checkpoint().treeSize()).toList());
        assertEquals(2, batch.eventsChecked());
        assertEquals(List.of(), batch.problems());
    }

    private static List<Long> sizesOver(long from, long to) {
        return log.checkpointsOver(from, to).stream().map(MerkleLogStore.CheckpointRow::treeSize).toList();
    }
}
