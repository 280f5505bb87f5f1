package io.caracal.gateway;

import io.caracal.core.agent.Agent;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * The hard cap across replicas: two gateways (separate application contexts and ports) on the same PostgreSQL
 * database and the same Redis, 1,000 calls from many client threads racing through both for one budget that
 * has room for 100 of them. Exactly 100 pass and are charged once each, every other call is refused with 403
 * {@code budget_exceeded}, and no hold is left behind ({@link GatewayCapRace}).
 */
class GatewayCapTest {
    private static GatewayCapRace race;

    @BeforeAll
    static void start() throws Exception {
        race = GatewayCapRace.start("gateway_cap", Map.of());
    }

    @AfterAll
    static void stop() {
        if (race != null) {
            race.close();
        }
    }

    @Test
    void aThousandCallsRacingThroughTwoReplicasForRoomForAHundredLetExactlyAHundredThrough() throws Exception {
        Agent agent = race.first.agent(null);
        // Room for 100 calls of GatewayCapRace.COST (0.30).
        BudgetPolicy budget = race.first.policy(agent, "30.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
        race.assertExactlyTheRoomOfTheTightestPasses(race.first.caller(agent), List.of(budget), budget);
    }
}
