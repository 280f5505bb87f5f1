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
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis loses everything; enforcement resumes with the same figures, rebuilt from PostgreSQL, once per budget
 * however many requests find it missing.
 */
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
            failures.addAll(EngineFixture.failuresOf(workers));
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

    @Test
    void requestsFindingABudgetMissingAtOnceShareOneRebuildOfIt() throws Exception {
        int requests = 24;
        try (EngineFixture f = new EngineFixture("budget_single_flight", Instant.parse("2030-07-03T09:00:00Z"))) {
            Agent parent = f.agent("flight-parent", null);
            Agent child = f.agent("flight-child", parent.id());
            BudgetPolicy parentDaily = f.policy(parent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
            BudgetPolicy childHourly = f.policy(child, "50", TimeWindow.HOURLY, WindowType.ROLLING, null);
            GatedCounters counters = new GatedCounters(new RedisBudgetCounters(f.redis.sync()), requests);
            BudgetEngine engine = new BudgetEngine(f.agents, f.policies, f.prices, f.holds, counters, f.clock);

            ExecutorService pool = Executors.newFixedThreadPool(requests);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<BudgetEngine.HoldResult>> holds = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                holds.add(pool.submit(() -> {
                    start.await();
                    return engine.hold(child.id(), EngineFixture.usd("1"), null);
                }));
            }
            start.countDown();
            for (Future<BudgetEngine.HoldResult> hold : holds) {
                assertTrue(hold.get().allowed(), hold.get().decision().reason());
            }
            pool.shutdown();

            assertEquals(requests, counters.toldMissing.get(), "every request found both budgets missing");
            assertEquals(Map.of(Buckets.counterKey(parent.id(), childHourly), 1, Buckets.counterKey(parent.id(), parentDaily), 1),
                    counters.loadsPerBudget(), "one rebuild per budget");
            engine.check(child.id(), null).budgets()
                    .forEach(b -> assertEquals(0, new BigDecimal(requests).compareTo(b.held()), "every hold counted once: " + b));
        }
    }

    /**
     * Redis, counting rebuilds per budget and holding each back until every request has been told its budgets are
     * missing: all of them then want the same rebuild at the same time, the moment single flight is for.
     */
    private static final class GatedCounters implements BudgetCounters {
        private final BudgetCounters redis;
        private final CountDownLatch allToldMissing;
        private final AtomicInteger toldMissing = new AtomicInteger();
        private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

        GatedCounters(BudgetCounters redis, int requests) {
            this.redis = redis;
            this.allToldMissing = new CountDownLatch(requests);
        }

        Map<String, Integer> loadsPerBudget() {
            Map<String, Integer> counts = new HashMap<>();
            loads.forEach((budget, count) -> counts.put(budget, count.get()));
            return counts;
        }

        @Override
        public Outcome hold(boolean place, boolean estimated, UUID holdId, Instant now, Instant expiresAt, List<HoldLine> lines) {
            Outcome outcome = redis.hold(place, estimated, holdId, now, expiresAt, lines);
            if (outcome.status() == Status.NOT_READY) {
                toldMissing.incrementAndGet();
                allToldMissing.countDown();
            }
            return outcome;
        }

        @Override
        public Outcome close(boolean settle, UUID holdId, Instant now, List<CloseLine> lines) {
            return redis.close(settle, holdId, now, lines);
        }

        @Override
        public void load(String budgetKey, java.util.function.Supplier<RebuildState> snapshot) {
            loads.computeIfAbsent(budgetKey, key -> new AtomicInteger()).incrementAndGet();
            try {
                assertTrue(allToldMissing.await(30, TimeUnit.SECONDS), "every request reached Redis");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            redis.load(budgetKey, snapshot);
        }

        @Override
        public void invalidate(Collection<String> budgetKeys) {
            redis.invalidate(budgetKeys);
        }
    }
}
