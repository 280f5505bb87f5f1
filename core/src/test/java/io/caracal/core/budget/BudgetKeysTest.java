package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.testing.TestRedis;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.caracal.core.budget.EngineFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the budget scripts keep in Redis: every key of a delegation tree under its root's hash tag (one Redis Cluster
 * slot), and nothing that grows, or stays, without bound.
 */
class BudgetKeysTest {
    private static EngineFixture f;

    @BeforeAll
    static void setUp() {
        f = new EngineFixture("budget_keys", Instant.parse("2030-09-01T08:00:00Z"));
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    @Test
    void everyKeyAHoldTouchesCarriesItsTreesHashTag() {
        Agent root = f.agent("tag-root", null);
        Agent child = f.agent("tag-child", root.id());
        Agent grandchild = f.agent("tag-grandchild", child.id());
        List<BudgetPolicy> policies = List.of(f.policy(root, "30", TimeWindow.DAILY, WindowType.CALENDAR, null),
                f.policy(child, "20", TimeWindow.HOURLY, WindowType.ROLLING, null),
                f.policy(grandchild, "10", TimeWindow.MONTHLY, WindowType.CALENDAR, null));
        f.engine.settle(f.engine.hold(grandchild.id(), usd("2"), null).holdId(), usd("1.5"));
        assertTrue(f.engine.hold(grandchild.id(), usd("1"), null).allowed()); // left open: holds and amounts stay

        int slot = SlotHash.getSlot("{" + root.id() + "}");
        for (BudgetPolicy policy : policies) {
            List<String> keys = TestRedis.keys(f.redis.sync(), "cb:p:*" + policy.id() + "*");
            assertTrue(keys.size() > 5, "state and buckets of " + policy.id() + ": " + keys);
            for (String key : keys) {
                assertTrue(key.startsWith("cb:p:{" + root.id() + "}:" + policy.id() + ":"), key);
                assertEquals(slot, SlotHash.getSlot(key), key);
            }
        }
    }

    @Test
    void budgetStateExpiresAndClosedAndExpiredHoldsAreDropped() {
        Agent agent = f.agent("bounded", null);
        BudgetPolicy policy = f.policy(agent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
        String budget = "cb:p:" + Buckets.counterKey(agent.id(), policy);
        RedisClusterCommands<String, String> redis = f.redis.sync();
        BudgetEngine.HoldResult settled = f.engine.hold(agent.id(), usd("1"), Duration.ofSeconds(60));
        f.engine.settle(settled.holdId(), usd("1"));
        BudgetEngine.HoldResult abandoned = f.engine.hold(agent.id(), usd("2"), Duration.ofSeconds(60));
        assertEquals(Set.of(abandoned.holdId().toString()), Set.copyOf(redis.zrange(budget + ":holds", 0, -1)));
        assertEquals(Set.of(settled.holdId().toString()), Set.copyOf(redis.zrange(budget + ":closed", 0, -1)));

        // Every key expires: a budget no one uses any more (a policy deactivated, its window changed, its agent
        // moved to another tree) leaves nothing behind. State keys outlive the ready marker, never the reverse.
        long ready = redis.ttl(budget + ":ready");
        for (String key : TestRedis.keys(redis, budget + ":*")) {
            long ttl = redis.ttl(key);
            assertTrue(ttl > 0, "expires: " + key + " " + ttl);
            if (!key.contains(":s:")) {
                assertTrue(ttl >= ready && ttl <= RedisBudgetCounters.STATE_TTL.toSeconds(), key + " " + ttl + ", ready " + ready);
            }
        }

        // An hour on, the abandoned hold has expired and the settled one is past the closed holds' retention: the
        // next hold and void leave only themselves in the sets, which stay as small as the holds in flight.
        f.clock.advance(BudgetCounters.CLOSED_RETENTION.plusMinutes(1));
        BudgetEngine.HoldResult next = f.engine.hold(agent.id(), usd("3"), null);
        assertEquals(Set.of(next.holdId().toString()), Set.copyOf(redis.zrange(budget + ":holds", 0, -1)), "the expired hold is purged");
        assertEquals(Set.of(next.holdId().toString()), Set.copyOf(redis.hkeys(budget + ":ha")));
        f.engine.voidHold(next.holdId());
        assertEquals(Set.of(next.holdId().toString()), Set.copyOf(redis.zrange(budget + ":closed", 0, -1)), "closes older than the retention are trimmed");
        assertEquals(0L, redis.exists(budget + ":holds", budget + ":ha"), "nothing in flight, nothing kept");
        assertEquals("0", redis.get(budget + ":held"));
    }
}
