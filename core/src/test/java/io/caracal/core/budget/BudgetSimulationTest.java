package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.Window;
import io.caracal.core.policy.WindowType;
import io.caracal.core.policy.Windows;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded, deterministic simulation in the style of TigerBeetle's: thousands of random interleavings of
 * hold, settle, void, expiry (by moving the clock), duplicate requests and Redis losing everything, over a
 * tree of agents with several policies each, against the real engine on real PostgreSQL and Redis. After
 * every step, an independent model of what really happened must satisfy settled + held ≤ limit for the
 * current window of every policy, where the only allowed excess is a charge settled after its hold had
 * already expired (the spend is still recorded, but the budget it held had been freed); every 100 steps the engine's own figures must agree with the model; at the
 * end the ledger must hold exactly the model's settlements. A failure names its seed and step.
 */
class BudgetSimulationTest {
    private static final int STEPS = 2500;

    @Test
    void fixedSeed() {
        simulate(20301115L);
    }

    @Test
    void seedOfTheDay() {
        // Changes daily so the suite explores new interleavings over time; a failure prints the seed to replay.
        simulate(LocalDate.now(ZoneOffset.UTC).toEpochDay());
    }

    private record ModelHold(UUID id, Agent agent, BigDecimal amount, Instant expiresAt) {
    }

    /** {@code late}: settled after its hold expired, the one way spend may pass a limit when actuals stay within estimates. */
    private record ModelCharge(Agent agent, BigDecimal amount, Instant at, boolean late) {
    }

    private static void simulate(long seed) {
        Random random = new Random(seed);
        try (EngineFixture f = new EngineFixture("budget_sim_" + Long.toUnsignedString(seed, 36), Instant.parse("2030-02-27T22:00:00Z"))) {
            Sim sim = new Sim(f, random);
            for (int step = 1; step <= STEPS; step++) {
                try {
                    sim.step();
                    sim.checkInvariant();
                    if (step % 100 == 0) {
                        sim.checkEngineAgrees();
                    }
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("simulation failed: seed=" + seed + " step=" + step + " at " + f.clock.instant() + ": " + e, e);
                }
            }
            try {
                sim.checkLedger();
            } catch (AssertionError e) {
                throw new AssertionError("simulation failed: seed=" + seed + " at the end: " + e.getMessage(), e);
            }
            assertTrue(sim.allowed > 100 && sim.denied > 10, "the run exercised both outcomes: " + sim.allowed + " allowed, " + sim.denied + " denied");
        }
    }

    private static final class Sim {
        final EngineFixture f;
        final Random random;
        final List<Agent> agents = new ArrayList<>();
        final Map<UUID, UUID> parentOf = new HashMap<>();
        final Map<UUID, List<BudgetPolicy>> policiesOf = new LinkedHashMap<>();
        final Map<UUID, ModelHold> open = new LinkedHashMap<>();
        final List<ModelCharge> charges = new ArrayList<>();
        int allowed;
        int denied;

        Sim(EngineFixture f, Random random) {
            this.f = f;
            this.random = random;
            Agent root = add(null);
            for (int i = 0; i < 2; i++) {
                Agent child = add(root);
                for (int j = 0; j < 2; j++) {
                    add(child);
                }
            }
        }

        private Agent add(Agent parent) {
            Agent agent = f.agent("sim", parent == null ? null : parent.id());
            agents.add(agent);
            parentOf.put(agent.id(), parent == null ? null : parent.id());
            List<BudgetPolicy> policies = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                TimeWindow window = TimeWindow.values()[random.nextInt(4)];
                WindowType type = random.nextBoolean() ? WindowType.CALENDAR : WindowType.ROLLING;
                String limit = (parent == null ? 40 + random.nextInt(60) : 5 + random.nextInt(30)) + "." + random.nextInt(100);
                policies.add(f.policy(agent, limit, window, type, null));
            }
            policiesOf.put(agent.id(), policies);
            return agent;
        }

        void step() {
            int roll = random.nextInt(100);
            if (roll < 42) {
                hold();
            } else if (roll < 67) {
                settle();
            } else if (roll < 77) {
                voidHold();
            } else if (roll < 98) {
                advance();
            } else {
                // Redis loses everything (failover to an empty replica, FLUSHALL): PostgreSQL must restore it.
                f.redis.sync().flushall();
            }
        }

        private void hold() {
            Agent agent = agents.get(random.nextInt(agents.size()));
            BigDecimal amount = random.nextInt(10) == 0
                    ? new BigDecimal(random.nextInt(5_000_000)).movePointLeft(9)
                    : new BigDecimal(1 + random.nextInt(600)).movePointLeft(2);
            Duration ttl = Duration.ofSeconds(30 + random.nextInt(900));
            BudgetEngine.HoldResult result = f.engine.hold(agent.id(), EngineFixture.usd(amount.toPlainString()), ttl);
            if (result.allowed()) {
                allowed++;
                open.put(result.holdId(), new ModelHold(result.holdId(), agent, amount, result.expiresAt()));
            } else {
                denied++;
            }
        }

        private ModelHold anyOpen() {
            if (open.isEmpty()) {
                return null;
            }
            List<ModelHold> holds = new ArrayList<>(open.values());
            return holds.get(random.nextInt(holds.size()));
        }

        private void settle() {
            ModelHold hold = anyOpen();
            if (hold == null) {
                return;
            }
            // At or below the estimate: above it, the cap may be exceeded by design (by actual − estimate).
            BigDecimal actual = random.nextInt(3) == 0 ? hold.amount
                    : hold.amount.multiply(new BigDecimal(random.nextInt(101))).movePointLeft(2).setScale(Money.SCALE, java.math.RoundingMode.DOWN);
            Settlement settlement = f.engine.settle(hold.id, EngineFixture.usd(actual.toPlainString()));
            if (random.nextInt(5) == 0) {
                assertEquals(settlement.eventId(), f.engine.settle(hold.id, EngineFixture.usd(actual.toPlainString())).eventId(), "a retried settle changes nothing");
            }
            open.remove(hold.id);
            charges.add(new ModelCharge(hold.agent, actual, settlement.occurredAt(), !hold.expiresAt.isAfter(settlement.occurredAt())));
        }

        private void voidHold() {
            ModelHold hold = anyOpen();
            if (hold != null) {
                f.engine.voidHold(hold.id);
                if (random.nextBoolean()) {
                    f.engine.voidHold(hold.id);
                }
                open.remove(hold.id);
            }
        }

        private void advance() {
            int kind = random.nextInt(10);
            Duration by = switch (kind) {
                case 0 -> Duration.ofHours(1 + random.nextInt(30));
                case 1, 2 -> Duration.ofMinutes(1 + random.nextInt(120));
                default -> Duration.ofSeconds(1 + random.nextInt(300));
            };
            f.clock.advance(by);
        }

        private List<UUID> subtree(UUID agentId) {
            List<UUID> ids = new ArrayList<>();
            for (Agent agent : agents) {
                for (UUID up = agent.id(); up != null; up = parentOf.get(up)) {
                    if (up.equals(agentId)) {
                        ids.add(agent.id());
                        break;
                    }
                }
            }
            return ids;
        }

        BigDecimal modelSettled(BudgetPolicy policy, Instant now) {
            return settled(policy, now, false);
        }

        private BigDecimal settled(BudgetPolicy policy, Instant now, boolean lateOnly) {
            Window window = Windows.of(policy, now);
            List<UUID> tree = subtree(policy.agentId());
            return charges.stream().filter(c -> tree.contains(c.agent.id()) && window.contains(c.at) && (c.late || !lateOnly))
                    .map(ModelCharge::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        BigDecimal modelHeld(BudgetPolicy policy, Instant now) {
            List<UUID> tree = subtree(policy.agentId());
            return open.values().stream().filter(h -> tree.contains(h.agent.id()) && h.expiresAt.isAfter(now))
                    .map(ModelHold::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        void checkInvariant() {
            Instant now = f.clock.instant();
            for (List<BudgetPolicy> policies : policiesOf.values()) {
                for (BudgetPolicy policy : policies) {
                    BigDecimal used = modelSettled(policy, now).add(modelHeld(policy, now)).subtract(settled(policy, now, true));
                    assertTrue(used.compareTo(policy.limit().amount()) <= 0, () -> "policy " + policy.id() + " ("
                            + policy.timeWindow().label() + " " + policy.windowType().label() + ", limit " + policy.limit()
                            + ") has settled + held - late = " + used);
                }
            }
        }

        void checkEngineAgrees() {
            Instant now = f.clock.instant();
            for (Agent agent : agents) {
                for (BudgetFigures figures : f.engine.check(agent.id(), null).budgets()) {
                    BudgetPolicy policy = policiesOf.values().stream().flatMap(List::stream)
                            .filter(p -> p.id().equals(figures.policyId())).findFirst().orElseThrow();
                    assertEquals(0, modelHeld(policy, now).compareTo(figures.held()), () -> "held on " + policy.id());
                    BigDecimal truth = modelSettled(policy, now);
                    if (policy.windowType() == WindowType.CALENDAR) {
                        assertEquals(0, truth.compareTo(figures.spent()), () -> "spent on calendar policy " + policy.id());
                    } else {
                        // Rolling windows are bucketed: never less than the truth, at most one bucket's spend more.
                        Instant bucketStart = Windows.of(policy, now).start().minus(Buckets.size(policy.timeWindow()));
                        BigDecimal slack = charges.stream().filter(c -> subtree(policy.agentId()).contains(c.agent.id())
                                && !c.at.isBefore(bucketStart) && c.at.isBefore(Windows.of(policy, now).start()))
                                .map(ModelCharge::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
                        assertTrue(figures.spent().compareTo(truth) >= 0 && figures.spent().compareTo(truth.add(slack)) <= 0,
                                () -> "spent on rolling policy " + policy.id() + ": engine " + figures.spent() + ", truth " + truth);
                    }
                }
            }
        }

        void checkLedger() {
            Instant end = f.clock.instant().plusSeconds(1);
            Instant start = Instant.parse("2030-01-01T00:00:00Z");
            BigDecimal ledger = f.holds.spend(agents.get(0).id(), start, end, true).getOrDefault(new CurrencyCode("USD"), BigDecimal.ZERO);
            BigDecimal model = charges.stream().map(ModelCharge::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, model.compareTo(ledger), "ledger total " + ledger + " vs settlements " + model);
            for (Agent agent : agents) {
                BigDecimal own = f.holds.spend(agent.id(), start, end, false).getOrDefault(new CurrencyCode("USD"), BigDecimal.ZERO);
                BigDecimal expected = charges.stream().filter(c -> c.agent.id().equals(agent.id())).map(ModelCharge::amount)
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
                assertEquals(0, expected.compareTo(own), "agent " + agent.id());
            }
        }
    }
}
