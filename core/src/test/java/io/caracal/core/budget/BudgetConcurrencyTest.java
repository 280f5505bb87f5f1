package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two engines (two gateway replicas, each with its own PostgreSQL pool and Redis connection) on one real
 * Redis, eight threads each racing 1,000 holds of random size against budgets that fit only some of them.
 */
class BudgetConcurrencyTest {
    private static final int HOLDS = 1000;
    private static final int THREADS = 8;

    @Test
    void replicasRacingHoldsNeverPassTheLimitAndEveryAllowedHoldIsAccountedFor() throws Exception {
        try (EngineFixture one = new EngineFixture("budget_race", Instant.parse("2030-06-10T12:00:00Z"));
             EngineFixture two = one.replica()) {
            Agent parent = one.agent("race-parent", null);
            Agent childA = one.agent("race-a", parent.id());
            Agent childB = one.agent("race-b", parent.id());
            BudgetPolicy parentDaily = one.policy(parent, "60.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
            BudgetPolicy aHourly = one.policy(childA, "40.00", TimeWindow.HOURLY, WindowType.ROLLING, null);
            BudgetPolicy bDaily = one.policy(childB, "35.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
            List<Agent> spenders = List.of(childA, childB, parent);

            Random random = new Random(42);
            List<BigDecimal> amounts = new ArrayList<>();
            for (int i = 0; i < HOLDS; i++) {
                amounts.add(new BigDecimal(1 + random.nextInt(300)).movePointLeft(2)); // 0.01 .. 3.00; the total is ~1,500
            }
            Map<UUID, BigDecimal> allowedAmounts = new ConcurrentHashMap<>();
            Map<UUID, Agent> holder = new ConcurrentHashMap<>();
            Map<UUID, BigDecimal> settledAmounts = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                BudgetEngine engine = (t % 2 == 0 ? one : two).engine;
                Random local = new Random(t);
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = next.getAndIncrement(); i < HOLDS; i = next.getAndIncrement()) {
                        Agent agent = spenders.get(i % spenders.size());
                        BigDecimal amount = amounts.get(i);
                        BudgetEngine.HoldResult hold = engine.hold(agent.id(), EngineFixture.usd(amount.toPlainString()), null);
                        if (hold.allowed()) {
                            allowedAmounts.put(hold.holdId(), amount);
                            holder.put(hold.holdId(), agent);
                            // Settle a third at or below the estimate, void a third, leave a third open.
                            int fate = local.nextInt(3);
                            if (fate == 0) {
                                BigDecimal actual = amount.multiply(new BigDecimal(local.nextInt(101))).movePointLeft(2);
                                engine.settle(hold.holdId(), EngineFixture.usd(actual.toPlainString()));
                                settledAmounts.put(hold.holdId(), actual);
                            } else if (fate == 1) {
                                engine.voidHold(hold.holdId());
                                allowedAmounts.remove(hold.holdId());
                            }
                        }
                    }
                    return null;
                }));
            }
            // An observer reads the parent's figures while the workers race: each read is one atomic Redis step.
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicInteger observations = new AtomicInteger();
            Future<?> observer = Executors.newSingleThreadExecutor().submit(() -> {
                while (!done.get()) {
                    BudgetFigures figures = two.engine.check(parent.id(), null).budgets().get(0);
                    if (figures.spent().add(figures.held()).compareTo(parentDaily.limit().amount()) > 0) {
                        throw new AssertionError("over the limit mid-run: " + figures);
                    }
                    observations.incrementAndGet();
                }
                return null;
            });
            start.countDown();
            failures.addAll(EngineFixture.failuresOf(workers));
            pool.shutdown();
            done.set(true);
            try {
                observer.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(e.getCause());
            }
            assertTrue(failures.isEmpty(), () -> "workers failed: " + failures);
            assertTrue(observations.get() > 0);

            // Every allowed hold is either settled (its actual is in the ledger) or still held (its estimate counts).
            BigDecimal held = BigDecimal.ZERO;
            for (Map.Entry<UUID, BigDecimal> e : allowedAmounts.entrySet()) {
                if (!settledAmounts.containsKey(e.getKey())) {
                    held = held.add(e.getValue());
                }
            }
            BigDecimal settled = settledAmounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            Instant now = one.clock.instant();
            BigDecimal ledger = one.holds.spend(parent.id(), now.minusSeconds(3600), now.plusSeconds(1), true)
                    .getOrDefault(new CurrencyCode("USD"), BigDecimal.ZERO);
            assertEquals(0, settled.compareTo(ledger), "ledger holds exactly the settlements");

            BudgetDecision parentView = two.engine.check(parent.id(), null);
            BudgetFigures parentFigures = parentView.budgets().get(0);
            assertEquals(parentDaily.id(), parentFigures.policyId());
            assertEquals(0, settled.compareTo(parentFigures.spent()), "parent's budget counts every settlement in the tree");
            assertEquals(0, held.compareTo(parentFigures.held()), "parent's budget counts every open hold in the tree");
            assertTrue(parentFigures.spent().add(parentFigures.held()).compareTo(new BigDecimal("60.00")) <= 0,
                    "settled + held within the parent's limit: " + parentFigures);
            assertTrue(parentFigures.available().compareTo(new BigDecimal("3.00")) < 0, "the budget was contended to the end: " + parentFigures);

            for (Agent child : List.of(childA, childB)) {
                BudgetFigures own = two.engine.check(child.id(), null).budgets().get(0);
                BigDecimal childHeld = BigDecimal.ZERO;
                BigDecimal childSettled = BigDecimal.ZERO;
                for (Map.Entry<UUID, BigDecimal> e : allowedAmounts.entrySet()) {
                    if (holder.get(e.getKey()).id().equals(child.id())) {
                        if (settledAmounts.containsKey(e.getKey())) {
                            childSettled = childSettled.add(settledAmounts.get(e.getKey()));
                        } else {
                            childHeld = childHeld.add(e.getValue());
                        }
                    }
                }
                assertEquals(0, childHeld.compareTo(own.held()), "held on " + child.name());
                assertEquals(0, childSettled.compareTo(own.spent()), "spent on " + child.name());
                BigDecimal limit = child.id().equals(childA.id()) ? aHourly.limit().amount() : bDaily.limit().amount();
                assertTrue(own.spent().add(own.held()).compareTo(limit) <= 0, child.name() + " within its limit: " + own);
            }
            assertTrue(allowedAmounts.size() + settledAmounts.size() > 20, "some holds fit");
        }
    }
}
