package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.store.Database;
import io.caracal.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What migration V17 changed for the integrator, on real PostgreSQL. It searches only events written at or past its
 * horizon: the horizon never passes a writer still running or events a capped run left behind, one counted in
 * another server's transaction ids is not believed, and an event hidden behind it is not trusted to the horizon but
 * reported by verify-range. And a leaf's event is checked per statement
 * instead of by a foreign key: a leaf naming no event is refused, and no ledger event can be removed from under one.
 */
class MerkleIntegrationTest {
    private static final String AGENT = "7a3f2b8c-0000-4000-8000-000000000002";
    private static final String LEAF = "INSERT INTO merkle_leaves (leaf_index, event_id, leaf_hash, integrated_at) VALUES ";

    private HikariDataSource pool;
    private MerkleLogStore log;
    private MerkleLog integrator;

    @BeforeEach
    void ledger(@TempDir Path keys) throws Exception {
        pool = TestDatabase.pool("merkle_horizon_" + Long.toHexString(System.nanoTime()));
        log = new MerkleLogStore(new Database(pool), Clock.systemUTC());
        integrator = new MerkleLog(log, "caracal-test", PemKeys.generate(keys.resolve("key.pem")), 1000, Duration.ofMinutes(5));
        TestDatabase.execute(pool, "INSERT INTO agents (id, name, owner, created_at, updated_at) VALUES ('" + AGENT + "', 'horizon', 'ops@example.com', now(), now())");
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void anEventCommittedAfterARunByAnOlderTransactionIsLoggedByTheNext() throws Exception {
        try (Connection slow = pool.getConnection()) {
            slow.setAutoCommit(false);
            UUID late = UUID.randomUUID();
            insertEvent(slow, late); // written first, committed last
            UUID early = UUID.randomUUID();
            TestDatabase.execute(pool, insert(early));
            assertEquals(1, integrator.integrateAll().appended());
            assertTrue(horizon() <= writtenBy(slow, late), "the horizon passed a writer still running");
            slow.commit();
            assertEquals(1, integrator.integrateAll().appended());
            assertEquals(List.of(early, late), log.leaves(0, 2).stream().map(MerkleLogStore.Leaf::eventId).toList());
        }
    }

    @Test
    void aRunThatTakesItsMaximumLeavesTheHorizonWhereItWas() throws Exception {
        for (int i = 0; i < 3; i++) {
            TestDatabase.execute(pool, insert(UUID.randomUUID()));
        }
        assertTrue(log.integrate(session -> assertEquals(2, session.integrate(2).size())));
        assertEquals(0, horizon());
        assertTrue(log.integrate(session -> assertEquals(1, session.integrate(2).size())));
        assertTrue(horizon() > 0, "a run that found fewer than its maximum took everything written before it");
        assertEquals(3, log.size());
    }

    @Test
    void anEventBehindTheHorizonIsNotSearchedButVerifyRangeReportsIt() throws Exception {
        TestDatabase.execute(pool, insert(UUID.randomUUID()));
        integrator.integrateAll();
        long horizon = horizon();
        assertTrue(horizon > 0);
        UUID hidden = UUID.randomUUID();
        TestDatabase.execute(pool, "INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at, written_by) VALUES ('" + hidden + "', '"
                + AGENT + "', 1, 'USD', '2026-12-01 00:00:00+00', '2026-12-01 00:00:00+00', " + (horizon - 1) + ")");
        TestDatabase.execute(pool, insert(UUID.randomUUID()));
        assertEquals(1, integrator.integrateAll().appended(), "the search is bounded by the horizon");
        LedgerVerifier.Report report = new LedgerVerifier(log).verifyRange(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"));
        assertFalse(report.passed());
        assertTrue(report.problems().stream().anyMatch(p -> hidden.equals(p.eventId())), report.problems().toString());
    }

    @Test
    void aHorizonCountedInAnotherServersTransactionIdsIsNotBelieved() throws Exception {
        TestDatabase.execute(pool, insert(UUID.randomUUID()));
        integrator.integrateAll();
        UUID written = UUID.randomUUID();
        long id;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            insertEvent(c, written);
            id = writtenBy(c, written);
            c.commit();
        }
        // As a logical restore from another server leaves it: that server's horizon, here just past the new event's id.
        TestDatabase.execute(pool, "UPDATE merkle_integration SET horizon = " + (id + 1) + ", server = server + 1");
        assertEquals(1, integrator.integrateAll().appended());
        assertEquals(written, log.leaves(1, 2).get(0).eventId());
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT i.server = p.system_identifier FROM merkle_integration i, pg_control_system() p")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "the horizon counts this server's ids again");
        }
    }

    @Test
    void leavesNameOnlyLedgerEventsThatExistAndLedgerEventsAreKept() throws Exception {
        UUID kept = UUID.randomUUID();
        TestDatabase.execute(pool, insert(kept));
        SQLException missing = assertThrows(SQLException.class, () -> TestDatabase.execute(pool, leaf(0, kept) + ", " + leaf(1, UUID.randomUUID()).substring(LEAF.length())));
        assertEquals("23503", missing.getSQLState(), missing.getMessage());
        assertEquals(0, log.size(), "nothing of the refused statement was written");
        TestDatabase.execute(pool, leaf(0, kept));
        assertEquals(1, log.size());
        for (String sql : List.of("DELETE FROM ledger_events WHERE event_id = '" + kept + "'", "TRUNCATE ledger_events CASCADE")) {
            SQLException e = assertThrows(SQLException.class, () -> TestDatabase.execute(pool, sql), sql);
            assertTrue(e.getMessage().contains("ledger_events is append-only"), e.getMessage());
        }
        assertEquals(kept, log.leaves(0, 1).get(0).event().eventId());
    }

    private static String leaf(long index, UUID event) {
        return LEAF + "(" + index + ", '" + event + "', decode(repeat('00', 32), 'hex'), now())";
    }

    private String insert(UUID id) {
        return "INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at) VALUES ('" + id + "', '" + AGENT
                + "', 1, 'USD', now(), now())";
    }

    private void insertEvent(Connection c, UUID id) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(insert(id));
        }
    }

    private long writtenBy(Connection c, UUID id) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT written_by FROM ledger_events WHERE event_id = '" + id + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long horizon() throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT horizon FROM merkle_integration")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
