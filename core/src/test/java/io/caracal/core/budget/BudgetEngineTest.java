package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.FreePorts;
import io.caracal.testing.Await;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static io.caracal.core.budget.EngineFixture.eur;
import static io.caracal.core.budget.EngineFixture.usd;
import static io.caracal.core.policy.TimeWindow.DAILY;
import static io.caracal.core.policy.TimeWindow.HOURLY;
import static io.caracal.core.policy.TimeWindow.MONTHLY;
import static io.caracal.core.policy.WindowType.CALENDAR;
import static io.caracal.core.policy.WindowType.ROLLING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetEngineTest {
    private static EngineFixture f;

    @BeforeAll
    static void setUp() {
        f = new EngineFixture("budget_engine", Instant.parse("2030-01-15T10:00:00Z"));
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private static void assertAmount(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " but was " + actual);
    }

    private static BigDecimal spentToday(Agent agent) {
        Instant now = f.clock.instant();
        return f.holds.spend(agent.id(), now.minus(Duration.ofDays(1)), now.plusSeconds(1), false)
                .getOrDefault(new CurrencyCode("USD"), BigDecimal.ZERO);
    }

    @Test
    void threeCallsFitAOneDollarBudgetAndTheFourthIsDeniedWithTenCentsLeft() {
        Agent agent = f.agent("runbook", null);
        BudgetPolicy policy = f.policy(agent, "1.00", DAILY, CALENDAR, null);
        for (int call = 1; call <= 3; call++) {
            BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("0.30"), null);
            assertTrue(hold.allowed(), hold.decision().reason());
            f.engine.settle(hold.holdId(), usd("0.30"));
        }
        BudgetEngine.HoldResult fourth = f.engine.hold(agent.id(), usd("0.30"), null);
        assertFalse(fourth.allowed());
        assertNull(fourth.holdId());
        assertAmount("0.10", fourth.decision().remaining());
        assertEquals(policy.id(), fourth.decision().failingPolicyId());
        BudgetFigures figures = fourth.decision().budgets().get(0);
        assertAmount("1.00", figures.limit());
        assertAmount("0.90", figures.spent());
        assertAmount("0", figures.held());
        assertAmount("0.90", spentToday(agent));
        assertTrue(fourth.decision().reason().contains("0.1 USD available, 0.3 needed"), fourth.decision().reason());
    }

    @Test
    void anEstimateEqualToWhatIsLeftIsAllowedAndThenNothingIsLeft() {
        Agent agent = f.agent("exact", null);
        f.policy(agent, "1", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult all = f.engine.hold(agent.id(), usd("1"), null);
        assertTrue(all.allowed());
        assertAmount("0", all.decision().remaining());
        assertFalse(f.engine.check(agent.id(), null).allowed(), "no estimate needs something left");
        f.engine.voidHold(all.holdId());
        assertTrue(f.engine.check(agent.id(), null).allowed());
        assertFalse(f.engine.hold(agent.id(), usd("1.000000001"), null).allowed());
    }

    @Test
    void everyPolicyMustAllowAndTheRemainingBudgetIsTheSmallest() {
        Agent agent = f.agent("multi", null);
        f.policy(agent, "100", MONTHLY, CALENDAR, null);
        BudgetPolicy hourly = f.policy(agent, "2", HOURLY, ROLLING, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("1.5"), null);
        assertTrue(hold.allowed());
        assertAmount("0.5", hold.decision().remaining());
        assertEquals(2, hold.decision().budgets().size());
        BudgetEngine.HoldResult second = f.engine.hold(agent.id(), usd("1"), null);
        assertFalse(second.allowed());
        assertEquals(hourly.id(), second.decision().failingPolicyId());
        assertAmount("1.5", second.decision().budgets().get(1).held());
    }

    @Test
    void noPolicySuspendedAgentAndBadTtlsAreRefused() {
        Agent agent = f.agent("no-policy", null);
        BudgetDecision none = f.engine.hold(agent.id(), usd("1"), null).decision();
        assertFalse(none.allowed());
        assertTrue(none.reason().contains("no active policy"), none.reason());
        f.policy(agent, "10", DAILY, CALENDAR, null);
        f.agents.setStatus(agent.id(), AgentStatus.SUSPENDED);
        assertTrue(f.engine.hold(agent.id(), usd("1"), null).decision().reason().contains("suspended"));
        f.agents.setStatus(agent.id(), AgentStatus.ACTIVE);
        assertThrows(InvalidInputException.class, () -> f.engine.hold(agent.id(), usd("1"), Duration.ZERO));
        assertThrows(InvalidInputException.class, () -> f.engine.hold(agent.id(), usd("1"), Duration.ofSeconds(3601)));
        assertTrue(f.engine.hold(agent.id(), usd("1"), Duration.ofSeconds(3600)).allowed());
    }

    @Test
    void settlementIsIdempotentAndMayExceedTheEstimate() {
        Agent agent = f.agent("settle", null);
        f.policy(agent, "10", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("1"), null);
        Settlement first = f.engine.settle(hold.holdId(), usd("1.25"));
        Settlement again = f.engine.settle(hold.holdId(), usd("1.25"));
        assertEquals(first.eventId(), again.eventId());
        assertTrue(again.alreadySettled());
        assertAmount("1.25", spentToday(agent));
        BudgetDecision after = f.engine.check(agent.id(), usd("0"));
        assertAmount("1.25", after.budgets().get(0).spent());
        assertAmount("0", after.budgets().get(0).held());
        assertThrows(ConflictException.class, () -> f.engine.voidHold(hold.holdId()));
        assertThrows(InvalidInputException.class, () -> f.engine.settle(hold.holdId(), eur("1")));
    }

    @Test
    void expiredHoldsStopCountingWithoutCleanupAndCanStillBeSettled() {
        Agent agent = f.agent("expiry", null);
        f.policy(agent, "1", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("0.8"), Duration.ofSeconds(60));
        assertFalse(f.engine.hold(agent.id(), usd("0.5"), null).allowed());
        f.clock.advance(Duration.ofSeconds(59));
        assertFalse(f.engine.check(agent.id(), usd("0.5")).allowed(), "still held one second before expiry");
        f.clock.advance(Duration.ofSeconds(1));
        BudgetDecision afterExpiry = f.engine.check(agent.id(), usd("0.5"));
        assertTrue(afterExpiry.allowed(), afterExpiry.reason());
        assertAmount("0", afterExpiry.budgets().get(0).held());
        f.engine.settle(hold.holdId(), usd("0.7"));
        assertAmount("0.7", f.engine.check(agent.id(), null).budgets().get(0).spent());
        assertFalse(f.engine.hold(agent.id(), usd("0.5"), null).allowed());
    }

    @Test
    void voidReleasesTheHoldAndVoidingTwiceIsHarmless() {
        Agent agent = f.agent("void", null);
        f.policy(agent, "1", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("1"), null);
        f.engine.voidHold(hold.holdId());
        f.engine.voidHold(hold.holdId());
        assertTrue(f.engine.hold(agent.id(), usd("1"), null).allowed());
        assertThrows(ConflictException.class, () -> f.engine.settle(hold.holdId(), usd("1")));
        assertAmount("0", spentToday(agent));
    }

    @Test
    void aChildsSpendCountsAgainstItsAncestorsAndRevokingTheDelegationDeniesIt() {
        Agent root = f.agent("root", null);
        Agent parent = f.agent("parent", root.id());
        Agent child = f.agent("child", parent.id());
        f.policy(root, "5", DAILY, CALENDAR, null);
        f.policy(parent, "3", DAILY, CALENDAR, null);
        BudgetPolicy delegated = f.policy(child, "3", DAILY, CALENDAR, parent.id());
        BudgetEngine.HoldResult hold = f.engine.hold(child.id(), usd("2"), null);
        assertTrue(hold.allowed());
        assertEquals(3, hold.decision().budgets().size(), "own, parent's and root's policies");
        f.engine.settle(hold.holdId(), usd("2"));
        // The parent itself now has only 1 left of its 3, because of its child.
        BudgetEngine.HoldResult parentHold = f.engine.hold(parent.id(), usd("1.5"), null);
        assertFalse(parentHold.allowed());
        assertAmount("1", parentHold.decision().remaining());
        assertTrue(f.engine.hold(root.id(), usd("3"), null).allowed(), "root had 5, child spent 2");
        assertFalse(f.engine.hold(child.id(), usd("0.01"), null).allowed(), "root is now exhausted for the whole tree");
        f.policies.deactivate(delegated.id(), new PolicyChange("test", "delegation revoked"));
        BudgetDecision revoked = f.engine.check(child.id(), null);
        assertFalse(revoked.allowed());
        assertTrue(revoked.reason().contains("no active policy"), revoked.reason());
    }

    @Test
    void aPolicyCountsOnlyItsCurrencyUnlessThePricebookConverts() {
        Agent agent = f.agent("fx", null);
        f.policy(agent, "10", DAILY, CALENDAR, null);
        BudgetDecision noRate = f.engine.hold(agent.id(), eur("1"), null).decision();
        assertFalse(noRate.allowed());
        assertTrue(noRate.reason().contains("no conversion from EUR to USD"), noRate.reason());
        assertThrows(InvalidInputException.class, () -> f.prices.set(new PriceDraft("fx:EUR:USD", new Money(BigDecimal.ZERO,
                new CurrencyCode("USD")), null)), "a zero rate would make converted charges free");
        assertThrows(InvalidInputException.class, () -> f.prices.set(new PriceDraft("fx:EUR:USD", new Money(BigDecimal.ONE,
                new CurrencyCode("EUR")), null)), "a rate is priced in the target currency");
        f.prices.set(new PriceDraft("fx:EUR:USD", new Money(new BigDecimal("1.083333333"), new CurrencyCode("USD")), null));
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), eur("3"), null);
        assertTrue(hold.allowed(), hold.decision().reason());
        assertAmount("3.249999999", f.engine.check(agent.id(), null).budgets().get(0).held());
        // 0.5 x 1.083333333 = 0.5416666665, rounded up to 9 places: a budget never counts less than was spent.
        Settlement settled = f.engine.settle(hold.holdId(), eur("0.5"));
        assertAmount("0.541666667", settled.lines().get(0).amount());
        assertEquals(Map.of(new CurrencyCode("EUR"), new BigDecimal("0.500000000")),
                f.holds.spend(agent.id(), f.clock.instant().minusSeconds(60), f.clock.instant().plusSeconds(1), false));
    }

    @Test
    void changingAPolicysWindowKeepsItsSpend() {
        Agent agent = f.agent("rewindow", null);
        BudgetPolicy policy = f.policy(agent, "10", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("9"), null);
        f.engine.settle(hold.holdId(), usd("9"));
        for (var edit : java.util.List.of(
                new io.caracal.core.policy.PolicyEdit(java.util.Optional.empty(), java.util.Optional.of(MONTHLY), java.util.Optional.empty(), java.util.Optional.empty()),
                new io.caracal.core.policy.PolicyEdit(java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(ROLLING), java.util.Optional.empty()))) {
            f.policies.update(policy.id(), edit, new PolicyChange("test", "re-window"));
            BudgetDecision after = f.engine.check(agent.id(), usd("5"));
            assertAmount("9", after.budgets().get(0).spent());
            assertFalse(after.allowed(), "the 9 already spent still counts in the new window");
        }
    }

    @Test
    void aSettlementWhoseRedisStepFailedIsRecoveredByThePeriodicRebuild() {
        Agent agent = f.agent("lost-settle", null);
        BudgetPolicy policy = f.policy(agent, "10", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("3"), Duration.ofSeconds(60));
        RedisClient client = io.caracal.core.store.RedisConnections.client(io.caracal.embedded.SharedServices.redis().uri());
        StatefulRedisConnection<String, String> connection = client.connect();
        BudgetEngine broken = new BudgetEngine(f.agents, f.policies, f.prices, new HoldStore(f.db), new RedisBudgetCounters(connection.sync()), f.clock);
        connection.close();
        assertThrows(BudgetStoreUnavailableException.class, () -> broken.settle(hold.holdId(), usd("3")), "PostgreSQL has it, Redis not");
        client.shutdown();
        f.clock.advance(Duration.ofMinutes(2)); // the hold has expired: Redis alone would now show nothing at all
        String ready = "cb:p:" + Buckets.counterKey(agent.id(), policy) + ":ready";
        long ttl = f.redis.sync().ttl(ready);
        assertTrue(ttl > 0 && ttl <= BudgetCounters.READY_TTL.toSeconds(), "loaded state expires, so it is re-derived: " + ttl);
        f.redis.sync().del(ready); // what that expiry does, without waiting for it
        assertAmount("3", f.engine.check(agent.id(), null).budgets().get(0).spent());
        assertFalse(f.engine.hold(agent.id(), usd("7.01"), null).allowed());
    }

    @Test
    void spendRecordedWhileRedisWasAwayCountsAsSoonAsRedisIsBackWithItsOldFigures(@TempDir Path data) {
        Agent agent = f.agent("redis-back", null);
        f.policy(agent, "5", DAILY, CALENDAR, null);
        int port = FreePorts.next();
        EmbeddedRedisServer redis = EmbeddedRedisServer.startKeepingData(port, data);
        RedisClient client = io.caracal.core.store.RedisConnections.client(redis.uri());
        StatefulRedisConnection<String, String> connection = client.connect();
        try {
            BudgetEngine engine = new BudgetEngine(f.agents, f.policies, f.prices, f.holds, new RedisBudgetCounters(connection.sync()), f.clock);
            engine.settle(engine.hold(agent.id(), usd("2"), null).holdId(), usd("2"));
            redis.close();
            assertThrows(BudgetStoreUnavailableException.class, () -> engine.hold(agent.id(), usd("2"), null));
            BudgetEngine.HoldResult away = engine.holdUncheckedForCall(f.agents.get(agent.id()), usd("2"), null, Map.of("request_id", "degraded"),
                    Optional.empty()); // as degraded mode does
            assertThrows(BudgetStoreUnavailableException.class, () -> engine.settle(away.holdId(), usd("2")), "PostgreSQL has it, Redis not");

            redis = EmbeddedRedisServer.startKeepingData(port, data); // back with 2 spent, loaded for minutes more
            assertTrue(Await.until(Duration.ofSeconds(30), () -> reachable(connection), up -> up), "the client reconnected");
            BudgetEngine.HoldResult after = engine.hold(agent.id(), usd("2"), null);
            assertFalse(after.allowed(), "4 of 5 spent: " + after.decision().reason());
            assertAmount("4", after.decision().budgets().get(0).spent());
        } finally {
            connection.close();
            client.shutdown();
            redis.close();
        }
    }

    private static boolean reachable(StatefulRedisConnection<String, String> connection) {
        try {
            return "PONG".equals(connection.sync().ping());
        } catch (RedisException e) {
            return false;
        }
    }

    @Test
    void aSettleRepeatedAfterTheRetentionDoesNotCountTwice() {
        Agent agent = f.agent("late-retry", null);
        f.policy(agent, "10", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("3"), null);
        f.engine.settle(hold.holdId(), usd("3"));
        f.clock.advance(BudgetCounters.CLOSED_RETENTION.plusMinutes(1));
        assertTrue(f.engine.settle(hold.holdId(), usd("3")).alreadySettled());
        assertAmount("3", f.engine.check(agent.id(), null).budgets().get(0).spent());
    }

    @Test
    void voidingASettledHoldIsRefusedAndTheChargeStands() {
        Agent agent = f.agent("void-after-settle", null);
        f.policy(agent, "10", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("3"), null);
        f.engine.settle(hold.holdId(), usd("3"));
        assertThrows(ConflictException.class, () -> f.engine.voidHold(hold.holdId()));
        assertAmount("3", f.engine.check(agent.id(), null).budgets().get(0).spent());
    }

    @Test
    void aZeroEstimateIsAllowedWhenNothingIsLeftButNoEstimateIsNot() {
        Agent agent = f.agent("zero", null);
        f.policy(agent, "1", DAILY, CALENDAR, null);
        f.engine.settle(f.engine.hold(agent.id(), usd("1"), null).holdId(), usd("1"));
        assertTrue(f.engine.check(agent.id(), usd("0")).allowed(), "0 ≤ 0 available");
        assertFalse(f.engine.check(agent.id(), null).allowed(), "without an estimate something must be left");
    }

    @Test
    void unreachableRedisDeniesAndLeavesNoOpenHold() {
        Agent agent = f.agent("no-redis", null);
        f.policy(agent, "10", DAILY, CALENDAR, null);
        RedisClient dead = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(FreePorts.next())
                .withTimeout(Duration.ofMillis(500)).build());
        assertThrows(io.lettuce.core.RedisConnectionException.class, dead::connect, "nothing listens there");
        dead.shutdown();
        // A connection that dies after start-up: stop using it by closing it under the engine.
        RedisClient client = RedisClient.create(io.caracal.embedded.SharedServices.redis().uri());
        StatefulRedisConnection<String, String> connection = client.connect();
        connection.setTimeout(Duration.ofMillis(500));
        BudgetEngine engine = new BudgetEngine(f.agents, f.policies, f.prices, new HoldStore(f.db),
                new RedisBudgetCounters(connection.sync()), f.clock);
        connection.close();
        assertThrows(BudgetStoreUnavailableException.class, () -> engine.hold(agent.id(), usd("1"), null));
        client.shutdown();
        assertTrue(f.engine.hold(agent.id(), usd("10"), null).allowed(), "the refused hold left nothing held");
    }
}
