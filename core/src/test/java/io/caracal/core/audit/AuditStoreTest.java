package io.caracal.core.audit;

import io.caracal.core.store.Database;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit log on real PostgreSQL: chained, deduplicated, gapless under concurrency, append-only, and tamper-evident. */
class AuditStoreTest {
    private static final UUID AGENT = UUID.randomUUID();

    /** Each test gets a database of its own, so sequence numbers start at 1. */
    private static AuditStore store(String name) {
        Database db = new Database(TestDatabase.pool("audit_" + name));
        AuditStore store = new AuditStore(db, Clock.systemUTC());
        DATABASES.put(store, db);
        return store;
    }

    private static final java.util.Map<AuditStore, Database> DATABASES = new java.util.concurrent.ConcurrentHashMap<>();

    private static AuditStore.Draft draft(String topic, UUID eventId) {
        return new AuditStore.Draft(topic, 0, 7, eventId, "io.caracal.events.AgentLifecycle", AGENT, Instant.parse("2026-01-02T03:04:05.123456789Z"),
                "0123456789abcdef", ("payload " + eventId).getBytes(StandardCharsets.UTF_8), "{\"event_id\": \"" + eventId + "\"}");
    }

    private static List<AuditStore.Draft> drafts(int n) {
        List<AuditStore.Draft> drafts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            drafts.add(draft("caracal.agent.lifecycle", UUID.randomUUID()));
        }
        return drafts;
    }

    private static List<AuditEntry> all(AuditStore store) {
        return store.query(new AuditStore.Query(null, null, Set.of(), null, 100_000));
    }

    private static void assertChained(List<AuditEntry> rows) {
        byte[] prev = AuditChain.GENESIS;
        for (int i = 0; i < rows.size(); i++) {
            AuditEntry row = rows.get(i);
            assertEquals(i + 1, row.seq(), "sequence numbers are 1..n without gaps");
            assertArrayEquals(prev, row.prevHash(), "row " + row.seq() + " links to the row before");
            assertArrayEquals(AuditChain.hash(prev, row), row.rowHash(), "row " + row.seq() + " hash covers its content");
            prev = row.rowHash();
        }
    }

    /** Runs statements as the embedded superuser, directly on the store's database. */
    private static void sql(AuditStore store, String... statements) throws SQLException {
        Database db = DATABASES.get(store);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    void appendedRowsAreChainedAndAnEventIsLoggedOncePerTopic() {
        AuditStore store = store("chain");
        List<AuditStore.Draft> first = drafts(3);
        assertEquals(3, store.append(first));
        UUID shared = UUID.randomUUID();
        assertEquals(2, store.append(List.of(draft("caracal.agent.lifecycle", shared), draft("caracal.policy.changes", shared),
                draft("caracal.agent.lifecycle", shared))), "the same event id on another topic is another event; a repeat is not");
        assertEquals(0, store.append(first), "a redelivered batch is not logged again");
        List<AuditEntry> rows = all(store);
        assertEquals(5, rows.size());
        assertChained(rows);
        assertEquals(first.get(0).eventId(), rows.get(0).eventId());
        assertTrue(store.verify().intact());
        assertEquals(5, store.verify().checked());
        assertArrayEquals(rows.get(4).rowHash(), store.verify().headHash());
    }

    @Test
    void concurrentAppendersBuildOneGaplessValidChain() throws Exception {
        AuditStore store = store("concurrent");
        int threads = 8;
        int batches = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Set<UUID> expected = java.util.Collections.synchronizedSet(new HashSet<>());
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    int added = 0;
                    for (int b = 0; b < batches; b++) {
                        List<AuditStore.Draft> batch = drafts(5);
                        batch.forEach(d -> expected.add(d.eventId()));
                        added += store.append(batch);
                    }
                    return added;
                }));
            }
            start.countDown();
            int added = 0;
            for (Future<Integer> future : futures) {
                added += future.get();
            }
            assertEquals(threads * batches * 5, added);
        } finally {
            pool.shutdownNow();
        }
        List<AuditEntry> rows = all(store);
        assertEquals(threads * batches * 5, rows.size());
        assertChained(rows);
        assertEquals(expected, new HashSet<>(rows.stream().map(AuditEntry::eventId).toList()));
        assertTrue(store.verify().intact());
    }

    @Test
    void updateDeleteAndTruncateAreRejectedByTheDatabase() throws SQLException {
        AuditStore store = store("append_only");
        store.append(drafts(3));
        for (String statement : List.of("UPDATE audit_log SET details = 'edited' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2",
                "TRUNCATE audit_log")) {
            SQLException e = assertThrows(SQLException.class, () -> sql(store, statement), statement);
            assertTrue(e.getMessage().contains("append-only"), statement + ": " + e.getMessage());
        }
        assertEquals(3, all(store).size());
        assertTrue(store.verify().intact());
    }

    @Test
    void aRowEditedInPlaceBySuperuserIsNamed() throws SQLException {
        AuditStore store = store("edited");
        store.append(drafts(4));
        AuditEntry target = all(store).get(2);
        sql(store, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                "UPDATE audit_log SET details = '{\"forged\": true}' WHERE seq = 3",
                "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        AuditStore.Verification result = store.verify();
        AuditStore.Break broken = result.broken().orElseThrow();
        assertEquals(3, broken.seq());
        assertEquals(target.eventId(), broken.eventId());
        assertEquals(target.topic(), broken.topic());
        assertTrue(broken.problem().contains("changed"), broken.problem());
        assertEquals(2, result.checked());
    }

    @Test
    void aRowWhoseHashWasRecomputedBreaksTheNextLink() throws SQLException {
        AuditStore store = store("rehashed");
        store.append(drafts(4));
        List<AuditEntry> rows = all(store);
        AuditEntry forged = new AuditEntry(2, rows.get(1).topic(), 0, 7, rows.get(1).eventId(), rows.get(1).eventType(), AGENT,
                rows.get(1).occurredAt(), rows.get(1).recordedAt(), rows.get(1).schemaFingerprint(), rows.get(1).payload(), "forged",
                rows.get(1).prevHash(), null);
        String hash = java.util.HexFormat.of().formatHex(AuditChain.hash(rows.get(1).prevHash(), forged));
        sql(store, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                "UPDATE audit_log SET details = 'forged', row_hash = '\\x" + hash + "' WHERE seq = 2",
                "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        AuditStore.Break broken = store.verify().broken().orElseThrow();
        assertEquals(3, broken.seq(), "row 2 is self-consistent now, but row 3 no longer links to it");
        assertTrue(broken.problem().contains("link"), broken.problem());
    }

    @Test
    void aDeletedMiddleRowIsNamedAsMissing() throws SQLException {
        AuditStore store = store("deleted");
        store.append(drafts(5));
        sql(store, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only", "DELETE FROM audit_log WHERE seq = 3",
                "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        AuditStore.Break broken = store.verify().broken().orElseThrow();
        assertEquals(3, broken.seq());
        assertNull(broken.eventId());
        assertTrue(broken.problem().contains("missing"), broken.problem());
    }

    @Test
    void anEmptyLogIsIntact() {
        AuditStore.Verification result = store("empty").verify();
        assertTrue(result.intact());
        assertEquals(0, result.checked());
        assertTrue(Arrays.equals(AuditChain.GENESIS, result.headHash()));
    }
}
