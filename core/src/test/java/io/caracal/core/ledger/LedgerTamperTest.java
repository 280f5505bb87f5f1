package io.caracal.core.ledger;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.Proofs;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.agent.AgentStore;
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
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tampering with a signed ledger on real PostgreSQL, as a superuser can (triggers and foreign keys switched off
 * with session_replication_role): a changed cost, a deleted event, an inserted event and two swapped events are
 * each found by verify-range, which names the event and the checkpoint. An untouched ledger passes, and its inclusion
 * and consistency proofs check out with nothing but the public key; a tampered one gets no proof. A compact range
 * stored with a checkpoint is believed only once it folds to that checkpoint's signed root: an altered one is reported,
 * verification falls back to leaf 0, and the integrator refuses to sign on top of it.
 */
class LedgerTamperTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");

    private HikariDataSource pool;
    private Database db;
    private MerkleLogStore log;
    private LedgerVerifier verifier;
    private PemKeys.SigningKey signingKey;
    private final List<MeteringEvent> events = new ArrayList<>();

    @BeforeEach
    void signedLedger(@TempDir Path keys) {
        pool = TestDatabase.pool("tamper_" + Long.toHexString(System.nanoTime()));
        db = new Database(pool);
        Clock clock = Clock.systemUTC();
        Agent agent = new AgentStore(db, clock).create(new AgentDraft("tamper", "", "ops@example.com", null, Map.of()));
        Instant at = Instant.parse("2026-11-20T12:00:00Z");
        for (int i = 0; i < 35; i++) {
            events.add(new MeteringEvent(UUID.randomUUID(), agent.id(), null, new Money(new BigDecimal("0.25").add(BigDecimal.valueOf(i)),
                    new CurrencyCode("USD")), at.plus(i, ChronoUnit.MINUTES), "api.example.com", Map.of(), Map.of("n", Integer.toString(i))));
        }
        new LedgerStore(db, clock).write(events);
        log = new MerkleLogStore(db, clock);
        signingKey = PemKeys.generate(keys.resolve("key.pem"));
        MerkleLog integrator = new MerkleLog(log, "caracal-test", signingKey, 10, Duration.ofMinutes(5));
        assertEquals(4, integrator.integrateAll().signed(), "checkpoints at 10, 20, 30 and 35 events");
        verifier = new LedgerVerifier(log);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    private void asSuperuser(String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica"); // no triggers, no foreign keys: what a superuser can do
            st.execute(sql);
        }
    }

    private static void assertNames(LedgerVerifier.Report report, UUID eventId, UUID batchId) {
        assertFalse(report.passed(), "tampering must fail verification");
        assertTrue(report.problems().stream().anyMatch(p -> eventId.equals(p.eventId()) && batchId.equals(p.batchId())),
                "names event " + eventId + " and checkpoint " + batchId + ": " + report.problems());
    }

    private UUID batchOfLeaf(long index) {
        return log.checkpoints().stream().filter(c -> index >= c.firstLeaf() && index < c.treeSize()).findFirst().orElseThrow().batchId();
    }

    private long leafOf(MeteringEvent event) {
        return log.leafIndex(event.eventId()).orElseThrow();
    }

    @Test
    void anUntouchedLedgerPasses() {
        LedgerVerifier.Report report = verifier.verifyRange(FROM, TO);
        assertTrue(report.passed(), report.problems().toString());
        assertEquals(4, report.checkpoints().size());
        assertEquals(35, report.eventsChecked());
        assertTrue(report.checkpoints().stream().allMatch(c -> c.signature().equals("Valid")));
    }

    @Test
    void aLedgerWithNoCheckpointYetHasNothingToFail() {
        HikariDataSource empty = TestDatabase.pool("tamper_empty_" + Long.toHexString(System.nanoTime()));
        try {
            LedgerVerifier.Report report = new LedgerVerifier(new MerkleLogStore(new Database(empty), Clock.systemUTC())).verifyRange(FROM, TO);
            assertTrue(report.passed());
            assertEquals(0, report.eventsChecked());
        } finally {
            empty.close();
        }
    }

    @Test
    void aChangedCostIsFound() throws Exception {
        MeteringEvent victim = events.get(13);
        asSuperuser("UPDATE ledger_events SET amount = amount - 0.01 WHERE event_id = '" + victim.eventId() + "'");
        assertNames(verifier.verifyRange(FROM, TO), victim.eventId(), batchOfLeaf(leafOf(victim)));
    }

    @Test
    void aDeletedEventIsFound() throws Exception {
        MeteringEvent victim = events.get(21);
        UUID batch = batchOfLeaf(leafOf(victim));
        asSuperuser("DELETE FROM ledger_events WHERE event_id = '" + victim.eventId() + "'");
        assertNames(verifier.verifyRange(FROM, TO), victim.eventId(), batch);
    }

    @Test
    void anInsertedEventIsFound() throws Exception {
        UUID forged = UUID.randomUUID();
        MeteringEvent template = events.get(5);
        asSuperuser("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at) VALUES ('" + forged + "', '"
                + template.agentId() + "', 9.99, 'USD', '2026-11-20T12:05:30Z', '2026-11-20T12:05:30Z')");
        LedgerVerifier.Report report = verifier.verifyRange(FROM, TO);
        assertNames(report, forged, log.checkpoints().get(3).batchId());
    }

    @Test
    void twoSwappedEventsAreFound() throws Exception {
        MeteringEvent first = events.get(2);
        MeteringEvent second = events.get(27);
        long a = leafOf(first);
        long b = leafOf(second);
        asSuperuser("UPDATE merkle_leaves SET leaf_index = 999999 WHERE leaf_index = " + a + "; UPDATE merkle_leaves SET leaf_index = " + a
                + " WHERE leaf_index = " + b + "; UPDATE merkle_leaves SET leaf_index = " + b + " WHERE leaf_index = 999999");
        LedgerVerifier.Report report = verifier.verifyRange(FROM, TO);
        assertNames(report, second.eventId(), batchOfLeaf(a));
        assertNames(report, first.eventId(), batchOfLeaf(b));
    }

    @Test
    void aRewrittenCheckpointRootIsFound() throws Exception {
        UUID batch = log.checkpoints().get(1).batchId();
        asSuperuser("UPDATE merkle_checkpoints SET root_hash = decode(repeat('00', 32), 'hex') WHERE batch_id = '" + batch + "'");
        LedgerVerifier.Report report = verifier.verifyBatch(batch).orElseThrow();
        assertFalse(report.passed());
        assertTrue(report.checkpoints().get(0).signature().startsWith("Invalid"), report.checkpoints().toString());
    }

    /** What caracal_merkle_verification_failures_total counts: the integrator re-checks the latest checkpoint before signing more. */
    @Test
    void theIntegratorSignsNothingOverALogItsLatestCheckpointNoLongerMatches() throws Exception {
        UUID latest = log.checkpoints().get(log.checkpoints().size() - 1).batchId();
        asSuperuser("UPDATE merkle_checkpoints SET root_hash = decode(repeat('00', 32), 'hex') WHERE batch_id = '" + latest + "'");
        new LedgerStore(db, Clock.systemUTC()).write(List.of(new MeteringEvent(UUID.randomUUID(), events.get(0).agentId(), null,
                new Money(BigDecimal.ONE, new CurrencyCode("USD")), Instant.parse("2026-11-20T13:00:00Z"), "api.example.com", Map.of(), Map.of())));
        MerkleLog restarted = new MerkleLog(log, "caracal-test", signingKey, 10, Duration.ofMinutes(5));
        MerkleLog.Run run = restarted.integrateAll();
        assertFalse(run.verified(), "the rewritten root is noticed");
        assertEquals(0, run.signed(), "the new event is not signed over the rewritten checkpoint");
        assertEquals(4, log.checkpoints().size());
    }

    @Test
    void everyEventIsProvenInEveryCheckpointOverItWithOnlyThePublicKey() throws Exception {
        List<NoteKey> publicKey = List.of(new NoteKey("caracal-test", signingKey.publicKey()));
        LedgerProofs proofs = new LedgerProofs(log);
        int checked = 0;
        for (MeteringEvent event : events) {
            for (MerkleLogStore.CheckpointRow checkpoint : log.checkpoints()) {
                if (leafOf(event) < checkpoint.treeSize()) {
                    LedgerProofs.Inclusion inclusion = proofs.inclusion(event.eventId(), checkpoint.batchId());
                    Checkpoint signed = SignedNotes.verify(inclusion.checkpoint().note(), publicKey).checkpoint();
                    Proofs.verifyInclusion(inclusion.leafIndex(), signed.size(), inclusion.leafHash(), inclusion.proof(), signed.root());
                    checked++;
                }
            }
        }
        assertEquals(10 + 20 + 30 + 35, checked, "each event in every checkpoint signed after it");
        assertEquals(log.checkpoints().get(3).batchId(), proofs.inclusion(events.get(0).eventId(), null).checkpoint().batchId(),
                "the latest checkpoint by default");
        // Events written together are logged in event id order, so find the one at leaf 30.
        MeteringEvent thirtieth = events.stream().filter(e -> leafOf(e) == 30).findFirst().orElseThrow();
        assertThrows(InvalidInputException.class, () -> proofs.inclusion(thirtieth.eventId(), log.checkpoints().get(2).batchId()),
                "leaf 30 is after the checkpoint of 30 leaves");
        assertThrows(NotFoundException.class, () -> proofs.inclusion(UUID.randomUUID(), null));
        assertThrows(NotFoundException.class, () -> proofs.inclusion(events.get(0).eventId(), UUID.randomUUID()));
    }

    @Test
    void everyPairOfCheckpointsIsProvenConsistentWithOnlyThePublicKey() throws Exception {
        List<NoteKey> publicKey = List.of(new NoteKey("caracal-test", signingKey.publicKey()));
        LedgerProofs proofs = new LedgerProofs(log);
        List<MerkleLogStore.CheckpointRow> checkpoints = log.checkpoints();
        for (int i = 0; i < checkpoints.size(); i++) {
            for (int j = i; j < checkpoints.size(); j++) {
                LedgerProofs.Consistency consistency = proofs.consistency(checkpoints.get(i).batchId(), checkpoints.get(j).batchId());
                Checkpoint from = SignedNotes.verify(consistency.from().note(), publicKey).checkpoint();
                Checkpoint to = SignedNotes.verify(consistency.to().note(), publicKey).checkpoint();
                Proofs.verifyConsistency(from.size(), to.size(), from.root(), to.root(), consistency.proof());
            }
        }
        assertThrows(InvalidInputException.class, () -> proofs.consistency(checkpoints.get(2).batchId(), checkpoints.get(1).batchId()));
    }

    @Test
    void aTamperedLedgerGetsNoProof() throws Exception {
        LedgerProofs proofs = new LedgerProofs(log);
        MeteringEvent victim = events.get(13);
        asSuperuser("UPDATE ledger_events SET amount = amount + 1 WHERE event_id = '" + victim.eventId() + "'");
        assertThrows(LedgerTamperedException.class, () -> proofs.inclusion(victim.eventId(), null));
        MeteringEvent deleted = events.get(3);
        asSuperuser("DELETE FROM ledger_events WHERE event_id = '" + deleted.eventId() + "'");
        assertThrows(LedgerTamperedException.class, () -> proofs.inclusion(deleted.eventId(), null));
        asSuperuser("UPDATE merkle_leaves SET leaf_hash = decode(repeat('11', 32), 'hex') WHERE leaf_index = 4");
        assertThrows(LedgerTamperedException.class, () -> proofs.consistency(log.checkpoints().get(0).batchId(), log.checkpoints().get(1).batchId()),
                "a rewritten leaf hash changes every root over it");
    }

    @Test
    void verifyEventRecomputesOnlyTheEventsBatchFromTheStoredRangeBeforeIt() {
        LedgerVerifier.Report report = verifier.verifyEvent(log.leaves(24, 25).get(0).eventId()).orElseThrow();
        assertTrue(report.passed(), report.problems().toString());
        assertEquals(log.checkpoints().get(2).batchId(), report.checkpoints().get(0).checkpoint().batchId());
        assertEquals(10, report.eventsChecked(), "leaves 20 to 29 only: the tree of the first 20 comes from checkpoint 2's stored range");
    }

    @Test
    void aTamperedStoredCompactRangeIsFoundAndNotTrusted() throws Exception {
        List<MerkleLogStore.CheckpointRow> checkpoints = log.checkpoints();
        UUID second = checkpoints.get(1).batchId();
        // Tree size 20 has two border subtrees (16 + 4 leaves): same length, other hashes.
        asSuperuser("UPDATE merkle_checkpoints SET compact_range = decode(repeat('22', 64), 'hex') WHERE batch_id = '" + second + "'");

        LedgerVerifier.Report batch = verifier.verifyBatch(checkpoints.get(2).batchId()).orElseThrow();
        assertFalse(batch.passed(), "the range stored with checkpoint 2 no longer folds to its signed root");
        assertTrue(batch.problems().stream().anyMatch(p -> second.equals(p.batchId()) && p.what().contains("compact range")), batch.problems().toString());
        assertTrue(batch.checkpoints().get(0).rootMatches(), "checkpoint 3 is then checked from leaf 0, not from the altered range");
        assertEquals(30, batch.eventsChecked());

        LedgerVerifier.Report range = verifier.verifyRange(FROM, TO);
        assertFalse(range.passed());
        assertTrue(range.problems().stream().anyMatch(p -> second.equals(p.batchId()) && p.what().contains("compact range")), range.problems().toString());

        UUID last = checkpoints.get(3).batchId();
        asSuperuser("UPDATE merkle_checkpoints SET compact_range = decode(repeat('33', 96), 'hex') WHERE batch_id = '" + last + "'");
        MerkleLog integrator = new MerkleLog(log, "caracal-test", signingKey, 10, Duration.ofMinutes(5));
        assertFalse(integrator.integrateAll().verified(), "no checkpoint is signed on top of an altered range");
        assertEquals(4, log.checkpoints().size());
    }
}
