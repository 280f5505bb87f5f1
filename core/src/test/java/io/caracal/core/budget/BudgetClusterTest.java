package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.store.SharedRedis;
import io.caracal.testing.EmbeddedRedisCluster;
import io.caracal.testing.TestRedis;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hard cap on a real three-master Redis Cluster. Two engines (two gateway replicas, each with its own cluster
 * connection and PostgreSQL pool) race 1,000 holds, each settled at once, for a delegation tree three levels deep
 * with a budget at every level; each hold's keys share the tree's slot, so each hold is still one atomic script.
 */
class BudgetClusterTest {
    private static final int CALLS = 1000;
    private static final int THREADS = 16;
    private static final BigDecimal CALL = new BigDecimal("0.10");

    private static EmbeddedRedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedRedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void twoReplicasOnAClusterSettleExactlyWhatTheTreesLimitsAllow() throws Exception {
        try (EngineFixture one = EngineFixture.onCluster("budget_cluster", Instant.parse("2030-08-05T10:00:00Z"), cluster.seedUri());
             EngineFixture two = one.replica()) {
            Agent root = one.agent("cluster-root", null);
            Agent child = one.agent("cluster-child", root.id());
            Agent grandchild = one.agent("cluster-grandchild", child.id());
            BudgetPolicy rootDaily = one.policy(root, "10.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
            BudgetPolicy childDaily = one.policy(child, "8.00", TimeWindow.DAILY, WindowType.ROLLING, root.id());
            BudgetPolicy grandchildDaily = one.policy(grandchild, "5.00", TimeWindow.DAILY, WindowType.CALENDAR, child.id());
            List<Agent> spenders = List.of(grandchild, child, root);

            Map<Agent, AtomicInteger> settled = new HashMap<>();
            spenders.forEach(agent -> settled.put(agent, new AtomicInteger()));
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger next = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                BudgetEngine engine = (t % 2 == 0 ? one : two).engine;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = next.getAndIncrement(); i < CALLS; i = next.getAndIncrement()) {
                        Agent agent = spenders.get(i % spenders.size());
                        BudgetEngine.HoldResult hold = engine.hold(agent.id(), EngineFixture.usd(CALL.toPlainString()), null);
                        if (hold.allowed()) {
                            engine.settle(hold.holdId(), EngineFixture.usd(CALL.toPlainString()));
                            settled.get(agent).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            failures.addAll(EngineFixture.failuresOf(workers));
            pool.shutdown();
            assertTrue(failures.isEmpty(), () -> "workers failed: " + failures);

            // The root's 10.00 bounds the whole tree: exactly 100 calls of 0.10, however they were spread.
            int grandchildCalls = settled.get(grandchild).get();
            int childCalls = settled.get(child).get();
            int total = grandchildCalls + childCalls + settled.get(root).get();
            assertEquals(100, total, "settled calls: " + settled);
            assertTrue(grandchildCalls <= 50, "the grandchild's 5.00: " + grandchildCalls);
            assertTrue(grandchildCalls + childCalls <= 80, "the child's 8.00 covers the grandchild's spend too: " + settled);
            Instant now = one.clock.instant();
            assertEquals(0, new BigDecimal("10.00").compareTo(one.holds.spend(root.id(), now.minusSeconds(3600), now.plusSeconds(1), true)
                    .get(new CurrencyCode("USD"))), "the ledger holds exactly the settlements");

            // What Redis says at every level, from the other replica: each level's settlements, nothing held.
            Map<UUID, BudgetFigures> figures = new HashMap<>();
            two.engine.check(grandchild.id(), null).budgets().forEach(f -> figures.put(f.policyId(), f));
            assertFigures(figures.get(grandchildDaily.id()), CALL.multiply(BigDecimal.valueOf(grandchildCalls)), grandchildDaily);
            assertFigures(figures.get(childDaily.id()), CALL.multiply(BigDecimal.valueOf(grandchildCalls + childCalls)), childDaily);
            assertFigures(figures.get(rootDaily.id()), new BigDecimal("10.00"), rootDaily);

            assertEveryKeyOfTheTreeIsInItsSlot(one.redis.sync(), root, List.of(rootDaily, childDaily, grandchildDaily));
            resetWorksShardByShard(one, two, grandchild, figures);
        }
    }

    private static void assertFigures(BudgetFigures figures, BigDecimal spent, BudgetPolicy policy) {
        assertEquals(0, spent.compareTo(figures.spent()), "spent: " + figures);
        assertEquals(0, BigDecimal.ZERO.compareTo(figures.held()), "nothing held: " + figures);
        assertTrue(figures.spent().compareTo(policy.limit().amount()) <= 0, "within the limit: " + figures);
    }

    /** Every key a hold of the tree touches, for all three levels' budgets, hashes to the slot of the root's tag. */
    private static void assertEveryKeyOfTheTreeIsInItsSlot(RedisClusterCommands<String, String> redis, Agent root, List<BudgetPolicy> policies) {
        List<String> keys = TestRedis.keys(redis, "cb:p:*");
        long slot = redis.clusterKeyslot("{" + root.id() + "}");
        for (BudgetPolicy policy : policies) {
            List<String> ofPolicy = keys.stream().filter(key -> key.contains(policy.id().toString())).toList();
            Set<String> kinds = new HashSet<>();
            for (String key : ofPolicy) {
                assertTrue(key.startsWith("cb:p:{" + root.id() + "}:" + policy.id() + ":"), key);
                assertEquals(slot, redis.clusterKeyslot(key), "CLUSTER KEYSLOT " + key);
                kinds.add(key.contains(":s:") ? "s" : key.substring(key.lastIndexOf(':') + 1));
            }
            assertEquals(Set.of("ready", "held", "closed", "s"), kinds, "the keys of policy " + policy.id() + ": " + ofPolicy);
            // Emptied by the last settlement, so gone now; a hold's script was given them as well.
            for (String emptied : List.of("holds", "ha")) {
                assertEquals(slot, redis.clusterKeyslot("cb:p:" + Buckets.counterKey(root.id(), policy) + ":" + emptied));
            }
        }
    }

    /**
     * Budgets of other trees have their keys on other shards; dropping every budget's figures (what a snapshot restore
     * does) reaches all of them, and the next check rebuilds this tree's figures from PostgreSQL unchanged.
     */
    private static void resetWorksShardByShard(EngineFixture one, EngineFixture two, Agent grandchild, Map<UUID, BudgetFigures> before) {
        // Forty trees: the chance that one shard gets none of them is 3 × (2/3)^40, below one in a million.
        for (int i = 0; i < 40; i++) {
            Agent other = one.agent("cluster-other-" + i, null);
            one.policy(other, "1.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
            one.engine.check(other.id(), null);
        }
        for (String uri : cluster.nodeUris()) {
            try (SharedRedis node = SharedRedis.connect(uri, false)) {
                assertTrue(!TestRedis.keys(node.sync(), "cb:p:*").isEmpty(), "budgets on the shard at " + uri);
            }
        }

        assertTrue(new RedisBudgetCounters(one.redis.sync()).reset() > 0);
        for (String uri : cluster.nodeUris()) {
            try (SharedRedis node = SharedRedis.connect(uri, false)) {
                assertEquals(List.of(), TestRedis.keys(node.sync(), "cb:p:*"), "no budget key left on " + uri);
            }
        }
        Map<UUID, BudgetFigures> after = new HashMap<>();
        two.engine.check(grandchild.id(), null).budgets().forEach(f -> after.put(f.policyId(), f));
        assertEquals(before, after, "rebuilt from PostgreSQL");
    }
}
