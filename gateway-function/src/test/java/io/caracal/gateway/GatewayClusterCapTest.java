package io.caracal.gateway;

import io.caracal.core.agent.Agent;
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

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hard cap across replicas on a real three-master Redis Cluster, for a delegated agent: the race of
 * {@link GatewayCapRace} through two gateways configured with {@code caracal.redis.cluster}, by the grandchild of a
 * three-level tree with a budget at every level, where the tightest is its parent's, not its own. Each hold is one
 * script over all three budgets, which the cluster runs only because their keys share the tree's hash slot.
 */
class GatewayClusterCapTest {
    private static EmbeddedRedisCluster cluster;
    private static GatewayCapRace race;

    @BeforeAll
    static void start() throws Exception {
        cluster = EmbeddedRedisCluster.start();
        race = GatewayCapRace.start("gateway_cluster_cap", Map.of("caracal.redis.url", cluster.seedUri(), "caracal.redis.cluster", true));
    }

    @AfterAll
    static void stop() {
        try {
            if (race != null) {
                race.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void aThousandCallsByAGrandchildRacingThroughTwoReplicasOnAClusterLetThroughExactlyWhatItsParentsBudgetHasRoomFor() throws Exception {
        GatewayFixture gateway = race.first;
        Agent root = gateway.agent(null);
        Agent parent = gateway.agent(root.id());
        Agent child = gateway.agent(parent.id());
        // Room for 300, 100 and 200 calls of GatewayCapRace.COST (0.30). The child's own budget is not carved out of
        // its parent's (a carve-out may not exceed it) and spans a week, so the parent's day is the tightest.
        BudgetPolicy rootDaily = gateway.policy(root, "90.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
        BudgetPolicy parentDaily = gateway.policy(parent, "30.00", TimeWindow.DAILY, WindowType.ROLLING, root.id());
        BudgetPolicy childWeekly = gateway.policy(child, "60.00", TimeWindow.WEEKLY, WindowType.CALENDAR, null);
        List<BudgetPolicy> tree = List.of(childWeekly, parentDaily, rootDaily);

        race.assertExactlyTheRoomOfTheTightestPasses(gateway.caller(child), tree, parentDaily);
        assertTheTreesKeysShareOneSlot(gateway.gateway.getBean(SharedRedis.class).sync(), tree);
    }

    /** Every key Redis has for the tree's budgets (on whichever master), by CLUSTER KEYSLOT, is in one slot. */
    private static void assertTheTreesKeysShareOneSlot(RedisClusterCommands<String, String> redis, List<BudgetPolicy> tree) {
        List<String> keys = TestRedis.keys(redis, "cb:*");
        for (BudgetPolicy budget : tree) {
            assertTrue(keys.stream().anyMatch(key -> key.contains(budget.id().toString()) && key.contains(":s:")),
                    "Redis has the settled spend of policy " + budget.id() + ": " + keys);
        }
        List<String> ofTree = keys.stream().filter(key -> tree.stream().anyMatch(budget -> key.contains(budget.id().toString()))).toList();
        Map<Long, List<String>> bySlot = ofTree.stream().collect(Collectors.groupingBy(redis::clusterKeyslot));
        assertEquals(1, bySlot.size(), "the tree's keys by CLUSTER KEYSLOT: " + bySlot);
    }
}
