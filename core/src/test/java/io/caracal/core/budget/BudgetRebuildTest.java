package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis loses everything; enforcement resumes with the same figures, rebuilt from PostgreSQL. */
class BudgetRebuildTest {

    private static List<BudgetFigures> figures(EngineFixture f, List<Agent> agents) {
        List<BudgetFigures> all = new ArrayList<>();
        for (Agent agent : agents) {
            all.addAll(f.engine.check(agent.id(), null).budgets());
        }
        return all;
    }

    @Test
    void aFlushedRedisComesBackWithTheSameFigures() {
        try (EngineFixture f = new EngineFixture("budget_rebuild", Instant.parse("2030-07-01T09:00:00Z"))) {
            Agent parent = f.agent("rebuild-parent", null);
            Agent child = f.agent("rebuild-child", parent.id());
            f.policy(parent, "50", TimeWindow.DAILY, WindowType.CALENDAR, null);
            f.policy(parent, "30", TimeWindow.HOURLY, WindowType.ROLLING, null);
            f.policy(child, "20", TimeWindow.MONTHLY, WindowType.ROLLING, null);
            f.policy(child, "25", TimeWindow.WEEKLY, WindowType.CALENDAR, null);
            List<Agent> agents = List.of(parent, child);
            List<UUID> open = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                BudgetEngine.HoldResult hold = f.engine.hold(agents.get(i % 2).id(), EngineFixture.usd("1.25"), Duration.ofHours(1));
                assertTrue(hold.allowed(), hold.decision().reason());
                switch (i % 3) {
                    case 0 -> f.engine.settle(hold.holdId(), EngineFixture.usd("0.75"));
                    case 1 -> f.engine.voidHold(hold.holdId());
                    default -> open.add(hold.holdId());
                }
                f.clock.advance(Duration.ofMinutes(3));
            }
            List<BudgetFigures> before = figures(f, agents);
            assertTrue(before.stream().anyMatch(b -> b.held().signum() > 0) && before.stream().anyMatch(b -> b.spent().signum() > 0));

            f.redis.sync().flushall();
            assertEquals(0L, f.redis.sync().dbsize(), "Redis is empty");
            assertEquals(before, figures(f, agents), "the same figures, rebuilt from PostgreSQL");

            // Settling a hold placed before the flush (by the parent, so on the parent's budgets) counts exactly once.
            f.engine.settle(open.get(0), EngineFixture.usd("1.25"));
            f.engine.settle(open.get(0), EngineFixture.usd("1.25"));
            f.redis.sync().flushall();
            f.engine.settle(open.get(0), EngineFixture.usd("1.25"));
            List<BudgetFigures> after = figures(f, agents);
            for (int i = 0; i < before.size(); i++) {
                BigDecimal change = before.get(i).agentId().equals(parent.id()) ? new BigDecimal("1.25") : BigDecimal.ZERO;
                assertEquals(0, before.get(i).spent().add(change).compareTo(after.get(i).spent()), "spent once: " + after.get(i));
                assertEquals(0, before.get(i).held().subtract(change).compareTo(after.get(i).held()), "released once: " + after.get(i));
            }
        }
    }

    @Test
    void flushingUnderLoadNeverLetsSpendPassTheLimit() throws Exception {
        try (EngineFixture one = new EngineFixture("budget_rebuild_load", Instant.parse("2030-07-02T09:00:00Z"));
             EngineFixture two = one.replica()) {
            Agent agent = one.agent("flushed", null);
            BudgetPolicy policy = one.policy(agent, "25.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger flushes = new AtomicInteger();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<BigDecimal> settled = Collections.synchronizedList(new ArrayList<>());
            List<BigDecimal> stillHeld = Collections.synchronizedList(new ArrayList<>());
            // The flusher empties Redis after every 25 operations, so flushes land among the workers' steps.
            java.util.concurrent.Semaphore progress = new java.util.concurrent.Semaphore(0);
            ExecutorService pool = Executors.newFixedThreadPool(5);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                BudgetEngine engine = (t % 2 == 0 ? one : two).engine;
                Random random = new Random(t);
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        BigDecimal amount = new BigDecimal(1 + random.nextInt(100)).movePointLeft(2);
                        BudgetEngine.HoldResult hold = engine.hold(agent.id(), EngineFixture.usd(amount.toPlainString()), null);
                        if (hold.allowed()) {
                            if (random.nextBoolean()) {
                                engine.settle(hold.holdId(), EngineFixture.usd(amount.toPlainString()));
                                settled.add(amount);
                            } else {
                                stillHeld.add(amount);
                            }
                        }
                        progress.release();
                    }
                    return null;
                }));
            }
            // Mid-run, a rebuild must never lose spend: every settlement completed before a flush is counted after
            // it. (Held may briefly include holds that are being refused: rebuilding counts every hold PostgreSQL
            // has open, which can only make enforcement stricter; the exact figures are checked at the end.)
            Future<?> flusher = pool.submit(() -> {
                while (running.get()) {
                    if (!progress.tryAcquire(25, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    BigDecimal settledBefore;
                    synchronized (settled) {
                        settledBefore = settled.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
                    }
                    one.redis.sync().flushall();
                    flushes.incrementAndGet();
                    BudgetFigures figures = two.engine.check(agent.id(), null).budgets().get(0);
                    if (figures.spent().compareTo(settledBefore) < 0) {
                        throw new AssertionError("a rebuild lost spend: " + figures + ", settled before the flush " + settledBefore);
                    }
                }
                return null;
            });
            for (Future<?> worker : workers) {
                try {
                    worker.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            running.set(false);
            try {
                flusher.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(e.getCause());
            }
            pool.shutdown();
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            assertTrue(flushes.get() >= 3, "Redis was flushed during the run: " + flushes.get());

            BudgetFigures end = one.engine.check(agent.id(), null).budgets().get(0);
            BigDecimal settledTotal = settled.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal heldTotal = stillHeld.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, settledTotal.compareTo(end.spent()), "every settlement counted once: " + end);
            assertEquals(0, heldTotal.compareTo(end.held()), "every open hold counted once: " + end);
            assertTrue(end.spent().add(end.held()).compareTo(policy.limit().amount()) <= 0, end.toString());
            assertTrue(end.available().compareTo(BigDecimal.ONE) < 0, "the budget was used up: " + end);
        }
    }
}
