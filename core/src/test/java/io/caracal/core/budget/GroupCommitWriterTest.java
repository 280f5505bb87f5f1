package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.error.OverloadedException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.caracal.core.budget.EngineFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's write path on real PostgreSQL and Redis: calls' holds, settlements and voids through one
 * {@link GroupCommitWriter}, each decision event written with the hold's close, and holds nobody closed charged
 * at expiry.
 */
class GroupCommitWriterTest {
    private static EngineFixture f;

    @BeforeAll
    static void setUp() {
        f = new EngineFixture("group_commit", Instant.parse("2030-03-01T10:00:00Z"));
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private static Map<String, String> call(String id) {
        return Map.of("request_id", id, "destination", "api.example.com");
    }

    @Test
    void concurrentCallsAreWrittenInSharedBatchesAndEachGetsItsOwnOutcome() throws Exception {
        Agent agent = f.agent("batched", null);
        f.policy(agent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
        Agent live = f.agents.get(agent.id());
        int calls = 400;
        try (GroupCommitWriter writer = new GroupCommitWriter(f.holds, 10_000, Duration.ofSeconds(10))) {
            BudgetEngine engine = new BudgetEngine(f.agents, f.policies, f.prices, f.holds, writer, new RedisBudgetCounters(f.redis.sync()), f.clock);
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<UUID>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String id = "call-" + i;
                boolean settle = i % 4 != 0;
                results.add(pool.submit(() -> {
                    BudgetEngine.HoldResult held = engine.holdForCall(live, usd("0.20"), null, call(id), Optional.empty());
                    assertTrue(held.allowed(), held.decision().reason());
                    if (settle) {
                        engine.settle(held, usd("0.10"), call(id));
                    } else {
                        engine.voidHold(held);
                    }
                    return held.holdId();
                }));
            }
            for (Future<UUID> result : results) {
                result.get();
            }
            pool.shutdown();
            assertTrue(writer.batches() < calls * 2L, "holds and closes shared batches: " + writer.batches() + " batches for " + calls * 2 + " writes");
        }
        int settled = calls - calls / 4;
        assertEquals(new BigDecimal("0.10").multiply(BigDecimal.valueOf(settled)).compareTo(ledgerTotal(agent)), 0);
        assertEquals(settled, count("SELECT count(*) FROM budget_holds WHERE agent_id = '" + agent.id() + "' AND state = 'settled'"));
        assertEquals(calls / 4, count("SELECT count(*) FROM budget_holds WHERE agent_id = '" + agent.id() + "' AND state = 'voided'"));
        assertEquals(calls, count("SELECT count(*) FROM event_outbox WHERE event_key = '" + agent.id() + "' AND topic LIKE '%decision%'"),
                "one decision event per call, written with its settle or void");
        assertEquals(settled, count("SELECT count(*) FROM event_outbox WHERE event_key = '" + agent.id() + "' AND topic LIKE '%metering%'"));
        BudgetEngine.HoldResult next = f.engine.hold(agent.id(), usd("1"), null);
        BudgetFigures figures = next.decision().budgets().get(0);
        assertEquals(0, new BigDecimal("0.10").multiply(BigDecimal.valueOf(settled)).compareTo(figures.spent()), "Redis counted each settlement once");
        assertEquals(0, BigDecimal.ZERO.compareTo(figures.held()), "and released every hold");
        f.engine.voidHold(next.holdId());
    }

    @Test
    void aWriteNotTakenWithinTheDeadlineIsRefusedAsOverloadedAndNothingOfItIsWritten() throws Exception {
        Agent agent = f.agent("overloaded", null);
        BudgetPolicy policy = f.policy(agent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
        try (GroupCommitWriter writer = new GroupCommitWriter(f.holds, 10_000, Duration.ofMillis(200));
             Connection blocker = lockHolds()) {
            // The writer's first batch waits on the lock, as it would on a database that stopped answering.
            Hold first = hold(agent, policy);
            CompletableFuture<Void> stuck = CompletableFuture.runAsync(() -> writer.open(first, "request"));
            awaitWaitingOnTheLock();
            Hold late = hold(agent, policy);
            long started = System.nanoTime();
            assertThrows(OverloadedException.class, () -> writer.open(late, "request"));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos(), "refused at the deadline, not when the database came back");
            blocker.rollback();
            stuck.get();
            assertEquals(1, count("SELECT count(*) FROM budget_holds WHERE id = '" + first.id() + "'"));
            assertEquals(0, count("SELECT count(*) FROM budget_holds WHERE id = '" + late.id() + "'"), "the refused hold was never written");
        }
    }

    @Test
    void aWriteTheDatabaseRefusesFailsAloneAndTheRestOfItsBatchIsWritten() throws Exception {
        Agent agent = f.agent("isolated", null);
        BudgetPolicy policy = f.policy(agent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
        try (GroupCommitWriter writer = new GroupCommitWriter(f.holds, 10_000, Duration.ofSeconds(30));
             Connection blocker = lockHolds()) {
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> writer.open(hold(agent, policy), "request"));
            awaitWaitingOnTheLock();
            // Queued together behind the lock, so they form one batch: a hold of an agent that does not exist among good
            // holds. (A hold id already there is not refused: a replayed journal writes its holds again, see SpendJournal.)
            Hold good = hold(agent, policy);
            Hold orphan = new Hold(UUID.randomUUID(), UUID.randomUUID(), usd("1"), f.clock.instant(), f.clock.instant().plusSeconds(60),
                    HoldState.OPEN, List.of(new BudgetLine(policy, BigDecimal.ONE)));
            List<Hold> others = List.of(hold(agent, policy), hold(agent, policy), hold(agent, policy));
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            batch.add(CompletableFuture.runAsync(() -> writer.open(good, "request")));
            others.forEach(h -> batch.add(CompletableFuture.runAsync(() -> writer.open(h, "request"))));
            assertEquals(batch.size(), Await.until(Duration.ofSeconds(10), writer::queued, n -> n == batch.size()));
            CompletableFuture<Void> refused = CompletableFuture.runAsync(() -> writer.open(orphan, "request"));
            assertEquals(batch.size() + 1, Await.until(Duration.ofSeconds(10), writer::queued, n -> n == batch.size() + 1));
            blocker.rollback();
            first.get();
            for (CompletableFuture<Void> write : batch) {
                write.get();
            }
            Exception failure = assertThrows(Exception.class, refused::get);
            assertTrue(failure.getCause() instanceof RuntimeException, failure.toString());
            for (Hold h : others) {
                assertEquals(1, count("SELECT count(*) FROM budget_hold_lines WHERE hold_id = '" + h.id() + "'"));
            }
        }
    }

    @Test
    void aSettleOrVoidOfAHoldThatIsNotOpenWritesNothing() {
        Agent agent = f.agent("not-open", null);
        BudgetPolicy policy = f.policy(agent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
        Hold hold = hold(agent, policy);
        f.holds.open(hold, "request");
        Settlement first = new Settlement(UUID.randomUUID(), hold.id(), agent.id(), usd("0.5"), f.clock.instant(),
                List.of(new BudgetLine(policy, new BigDecimal("0.5"))), false);
        assertTrue(f.holds.settle(first, BudgetEvents.metering(first, call("a")), null));
        Settlement again = new Settlement(UUID.randomUUID(), hold.id(), agent.id(), usd("0.7"), f.clock.instant(), first.lines(), false);
        assertFalse(f.holds.settle(again, BudgetEvents.metering(again, call("a")), null));
        assertFalse(f.holds.close(hold.id(), HoldState.VOIDED, f.clock.instant(), null));
        assertEquals(1, count("SELECT count(*) FROM ledger_events WHERE hold_id = '" + hold.id() + "'"));
        assertEquals(0, count("SELECT count(*) FROM event_outbox WHERE event_id = '" + again.eventId() + "'"));
        assertEquals(0, new BigDecimal("0.5").compareTo(ledgerTotal(agent)));
    }

    @Test
    void aCallsHoldThatExpiresOpenIsChargedAtItsAmountAndAnAdminHoldIsNot() {
        Agent agent = f.agent("expired-call", null);
        f.policy(agent, "10", TimeWindow.DAILY, WindowType.CALENDAR, null);
        Agent live = f.agents.get(agent.id());
        BudgetEngine.HoldResult forwarded = f.engine.holdForCall(live, usd("0.75"), Duration.ofSeconds(30), call("crashed"), Optional.empty());
        BudgetEngine.HoldResult admin = f.engine.hold(agent.id(), usd("2"), Duration.ofSeconds(30));
        assertEquals(0, f.engine.chargeExpiredCalls(100), "nothing has expired yet");
        f.clock.advance(Duration.ofSeconds(31));
        assertTrue(f.engine.chargeExpiredCalls(100) >= 1);
        assertEquals(0, new BigDecimal("0.75").compareTo(ledgerTotal(agent)), "charged at its held amount, the admin hold not at all");
        assertEquals(HoldState.SETTLED, f.holds.get(forwarded.holdId()).state());
        assertEquals(1, count("SELECT count(*) FROM ledger_events WHERE hold_id = '" + forwarded.holdId() + "' AND amount = 0.75"
                + " AND metadata->>'request_id' = 'crashed' AND metadata->>'charged' = 'at expiry'"), "under the call's request id");
        assertEquals(HoldState.OPEN, f.holds.get(admin.holdId()).state());
        assertEquals(0, f.engine.chargeExpiredCalls(100), "charged once");
        BudgetEngine.HoldResult next = f.engine.hold(agent.id(), usd("1"), null);
        assertEquals(0, new BigDecimal("0.75").compareTo(next.decision().budgets().get(0).spent()), "and counted in Redis");
        f.engine.voidHold(next.holdId());
    }

    @Test
    void aRefusedCallsDecisionIsRecordedWithoutAHold() {
        Agent agent = f.agent("refused", null);
        f.policy(agent, "1", TimeWindow.DAILY, WindowType.CALENDAR, null);
        Agent live = f.agents.get(agent.id());
        BudgetEngine.HoldResult denied = f.engine.holdForCall(live, usd("5"), null, call("too-big"), Optional.empty());
        assertFalse(denied.allowed());
        assertEquals(0, count("SELECT count(*) FROM budget_holds WHERE agent_id = '" + agent.id() + "' AND state = 'open'"));
        assertEquals(1, count("SELECT count(*) FROM event_outbox WHERE event_key = '" + agent.id() + "' AND topic LIKE '%decision%'"));
    }

    private static Hold hold(Agent agent, BudgetPolicy policy) {
        Instant now = f.clock.instant();
        return new Hold(UUID.randomUUID(), agent.id(), usd("1"), now, now.plusSeconds(60), HoldState.OPEN, List.of(new BudgetLine(policy, BigDecimal.ONE)));
    }

    /** A transaction holding a lock that stops every write to budget_holds until it rolls back. */
    private static Connection lockHolds() throws SQLException {
        Connection blocker = f.db.dataSource().getConnection();
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
            s.execute("LOCK TABLE budget_holds IN EXCLUSIVE MODE");
        }
        return blocker;
    }

    /** Until the writer's batch is blocked on the test's table lock, so what is submitted next queues behind it. */
    private static void awaitWaitingOnTheLock() {
        assertTrue(Await.until(Duration.ofSeconds(10), () -> count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND datname = current_database()"), n -> n > 0) > 0, "the writer's batch waits on the lock");
    }

    private static BigDecimal ledgerTotal(Agent agent) {
        return f.holds.spend(agent.id(), Instant.EPOCH, f.clock.instant().plusSeconds(3600), false)
                .getOrDefault(new CurrencyCode("USD"), BigDecimal.ZERO);
    }

    private static long count(String sql) {
        try (Connection c = f.db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
