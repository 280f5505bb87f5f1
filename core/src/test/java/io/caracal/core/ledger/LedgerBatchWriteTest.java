package io.caracal.core.ledger;

import io.caracal.core.agent.Agent;
import io.caracal.core.budget.EngineFixture;
import io.caracal.core.budget.HoldState;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.DatabaseOutage;
import io.caracal.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A batch written in one statement on real PostgreSQL: which of the skipped rows were duplicates and which charged a
 * hold twice, whatever their order in the batch; and the agents the ledger knows from memory.
 */
class LedgerBatchWriteTest {
    private static EngineFixture fixture;
    private static ChangeFeed feed;
    private static LedgerStore ledger;
    private static Agent agent;

    @BeforeAll
    static void start() {
        fixture = new EngineFixture("ledger_batch_write", Instant.parse("2026-12-05T12:00:00Z"));
        feed = new ChangeFeed(fixture.db.dataSource(), new DatabaseOutage(fixture.clock)).start();
        ledger = new LedgerStore(fixture.db, fixture.clock, new LedgerReferences(fixture.db, feed, Duration.ofMinutes(5), fixture.clock));
        agent = fixture.agent("batch", null);
        fixture.policy(agent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
    }

    @AfterAll
    static void stop() {
        feed.close();
        fixture.close();
    }

    private static MeteringEvent charge(UUID agentId, UUID holdId, String amount) {
        return new MeteringEvent(UUID.randomUUID(), agentId, holdId, EngineFixture.usd(amount), fixture.clock.instant(), "api.example.com",
                Map.of(), Map.of());
    }

    private static UUID openHold() {
        UUID hold = fixture.engine.hold(agent.id(), EngineFixture.usd("1.00"), Duration.ofMinutes(5)).holdId();
        assertNotNull(hold, "the budget allows the hold");
        return hold;
    }

    @Test
    void aReplayAfterASecondChargeOfItsHoldIsADuplicateAndTheSecondChargeAConflict() {
        UUID hold = openHold();
        MeteringEvent first = charge(agent.id(), hold, "0.40");
        assertEquals(1, ledger.write(List.of(first)).written());

        // The second charge of the hold comes before the replay of the first in the batch.
        LedgerStore.BatchResult result = ledger.write(List.of(charge(agent.id(), hold, "0.50"), first));
        assertEquals(0, result.written());
        assertEquals(1, result.duplicates());
        assertEquals(List.of(0), List.copyOf(result.rejected().keySet()));
        assertEquals(InvalidEventException.CONFLICT, result.rejected().get(0).errorType());
    }

    @Test
    void twoNewChargesOfOneHoldInABatchWriteTheFirstAndRefuseTheSecond() {
        UUID hold = openHold();
        MeteringEvent first = charge(agent.id(), hold, "0.30");
        MeteringEvent second = charge(agent.id(), hold, "0.60");
        LedgerStore.BatchResult result = ledger.write(List.of(first, second));
        assertEquals(1, result.written());
        assertEquals(List.of(1), List.copyOf(result.rejected().keySet()));
        assertEquals(InvalidEventException.CONFLICT, result.rejected().get(1).errorType());
        assertEquals(HoldState.SETTLED, fixture.holds.get(hold).state());
        assertEquals(0, new java.math.BigDecimal("0.30").compareTo(ledger.find(first.eventId()).orElseThrow().amount()));
    }

    @Test
    void anAgentUnknownWhenFirstNamedIsAcceptedOnceItExists() {
        UUID later = UUID.randomUUID();
        LedgerStore.BatchResult refused = ledger.write(List.of(charge(later, null, "0.10")));
        assertEquals(InvalidEventException.UNKNOWN_AGENT, refused.rejected().get(0).errorType());
        row("INSERT INTO agents (id, name, owner, created_at, updated_at) VALUES (?, 'later', 'later@example.com', now(), now())", later);
        // An id not found is never kept, so the next batch reads it again and finds it.
        assertEquals(1, ledger.write(List.of(charge(later, null, "0.10"))).written());
    }

    /** Agents are never deleted (the database refuses it), but a budget policy no ledger line names can be. */
    @Test
    void aPolicyHeldInMemoryIsForgottenWhenTheFeedHearsItGo() {
        LedgerReferences references = new LedgerReferences(fixture.db, feed, Duration.ofMinutes(5), fixture.clock);
        Await.until(Duration.ofSeconds(10), LedgerBatchWriteTest::listening, "the change feed listens");
        UUID gone = UUID.randomUUID();
        row("INSERT INTO budget_policies (id, agent_id, limit_amount, currency, time_window, window_type, created_at, updated_at)"
                + " VALUES (?, '" + agent.id() + "', 1, 'USD', 'daily', 'calendar', now(), now())", gone);
        assertEquals(Set.of(gone), references.knownPolicies(Set.of(gone)));
        row("DELETE FROM budget_policies WHERE id = ?", gone);
        Await.until(Duration.ofSeconds(10), () -> references.knownPolicies(Set.of(gone)).isEmpty(), "the deleted policy forgotten");
    }

    private static void row(String sql, UUID id) {
        fixture.db.transaction(c -> {
            try (var ps = c.prepareStatement(sql)) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }

    private static boolean listening() {
        return fixture.db.transaction(c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN "
                    + ChangeFeed.CHANNEL + "'"); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        });
    }
}
