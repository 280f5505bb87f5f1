package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentChange;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.testing.EmbeddedRedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import static io.caracal.core.budget.EngineFixture.usd;
import static io.caracal.core.policy.TimeWindow.DAILY;
import static io.caracal.core.policy.WindowType.CALENDAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent moved to another delegation tree ({@code agent update --parent-id}) while one of its holds is open. Redis
 * keys each budget by its tree's root, so the hold was counted under the old root: the old parent's budget stays
 * there, the agent's own now counts under the new root (rebuilt from PostgreSQL with the hold still open). Settling
 * or voiding the hold after the move must reach each budget where it counts now, on one Redis and on a Redis
 * Cluster, where the two trees' keys are in different slots.
 */
class BudgetTreeMoveTest {
    private static EmbeddedRedisCluster cluster;
    private static EngineFixture single;
    private static EngineFixture clustered;

    @BeforeAll
    static void setUp() {
        Instant start = Instant.parse("2030-10-01T08:00:00Z");
        cluster = EmbeddedRedisCluster.start();
        single = new EngineFixture("budget_tree_move", start);
        clustered = EngineFixture.onCluster("budget_tree_move_cluster", start, cluster.seedUri());
    }

    @AfterAll
    static void tearDown() {
        clustered.close();
        single.close();
        cluster.close();
    }

    static Stream<Named<EngineFixture>> engines() {
        return Stream.of(Named.of("one Redis", single), Named.of("Redis Cluster", clustered));
    }

    /** Two trees; {@code mover}, under the old root, holds 0.60 and is then moved under the new root. */
    private record Move(Agent oldRoot, Agent newRoot, Agent mover, BudgetPolicy oldRootDaily, BudgetPolicy newRootDaily,
                        BudgetPolicy moverDaily, BudgetEngine.HoldResult held) {
    }

    private static Move holdThenMove(EngineFixture f) {
        Agent oldRoot = f.agent("old-root", null);
        Agent newRoot = f.agent("new-root", null);
        Agent mover = f.agent("mover", oldRoot.id());
        BudgetPolicy oldRootDaily = f.policy(oldRoot, "1.00", DAILY, CALENDAR, null);
        BudgetPolicy newRootDaily = f.policy(newRoot, "10.00", DAILY, CALENDAR, null);
        BudgetPolicy moverDaily = f.policy(mover, "1.00", DAILY, CALENDAR, null);
        BudgetEngine.HoldResult held = f.engine.hold(mover.id(), usd("0.60"), Duration.ofSeconds(60));
        assertTrue(held.allowed(), held.decision().reason());
        f.agents.update(mover.id(), new AgentChange(Optional.empty(), Optional.empty(), Optional.of(newRoot.id()), false, Optional.empty()));
        // The mover's next call counts its own budget under the new root, loaded from PostgreSQL: the hold is open there.
        assertFigures(f, mover, moverDaily, "0", "0.60");
        return new Move(oldRoot, newRoot, mover, oldRootDaily, newRootDaily, moverDaily, held);
    }

    @ParameterizedTest(autoCloseArguments = false) // the fixtures are the class's, closed after all tests
    @MethodSource("engines")
    void aHoldSettledAfterItsAgentMovedIsChargedWhereEachOfItsBudgetsCountsNow(EngineFixture f) {
        Move move = holdThenMove(f);
        // Settled by a replica that never saw the hold, as after a restart: nothing about the move lives in memory.
        try (EngineFixture restarted = f.replica()) {
            restarted.engine.settle(move.held().holdId(), usd("0.60"));
        }

        assertFigures(f, move.mover(), move.moverDaily(), "0.60", "0");
        assertFigures(f, move.oldRoot(), move.oldRootDaily(), "0.60", "0");
        assertFigures(f, move.newRoot(), move.newRootDaily(), "0", "0");
        // Past the hold's expiry the old root's budget still has only 0.40 left.
        f.clock.advance(Duration.ofMinutes(2));
        assertFalse(f.engine.hold(move.oldRoot().id(), usd("0.60"), null).allowed(), "the old root's 1.00 already has 0.60 spent");
    }

    @ParameterizedTest(autoCloseArguments = false) // the fixtures are the class's, closed after all tests
    @MethodSource("engines")
    void aHoldVoidedAfterItsAgentMovedIsReleasedWhereEachOfItsBudgetsCountsNow(EngineFixture f) {
        Move move = holdThenMove(f);
        f.engine.voidHold(move.held().holdId());

        assertFigures(f, move.mover(), move.moverDaily(), "0", "0");
        assertFigures(f, move.oldRoot(), move.oldRootDaily(), "0", "0");
        assertTrue(f.engine.hold(move.oldRoot().id(), usd("1.00"), null).allowed(), "the old root's whole 1.00 is free again");
    }

    /** What Redis counts on {@code policy} for a call by {@code agent} now. */
    private static void assertFigures(EngineFixture f, Agent agent, BudgetPolicy policy, String spent, String held) {
        BudgetFigures figures = f.engine.check(agent.id(), null).budgets().stream().filter(b -> b.policyId().equals(policy.id()))
                .findFirst().orElseThrow();
        assertEquals(0, new BigDecimal(spent).compareTo(figures.spent()), () -> "spent: " + figures);
        assertEquals(0, new BigDecimal(held).compareTo(figures.held()), () -> "held: " + figures);
    }
}
