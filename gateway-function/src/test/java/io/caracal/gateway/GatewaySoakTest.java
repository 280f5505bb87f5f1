package io.caracal.gateway;

import io.caracal.embedded.SharedServices;
import io.caracal.core.store.RedisConnections;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak run's Redis check, shortened for CI (bench/run-soak.sh runs it for 15 minutes and samples memory too):
 * a second round of as many calls by the same agents leaves Redis with no more keys than the first did, so the
 * key count depends on the agents and their budgets, not on how many calls they made.
 */
class GatewaySoakTest {
    private static final int AGENTS = 16;
    private static final int CALLS_PER_ROUND = 800;

    @Test
    void redisKeysDoNotGrowWithTheNumberOfCalls() throws Exception {
        RedisClient client = RedisConnections.client(SharedServices.redis().uri());
        try (GatewayFixture fixture = new GatewayFixture("gw_soak", Map.of());
             StatefulRedisConnection<String, String> redis = client.connect()) {
            List<GatewayFixture.Caller> callers = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                callers.add(fixture.caller("1000"));
            }
            round(fixture, callers);
            long afterFirst = redis.sync().dbsize();
            assertTrue(afterFirst >= AGENTS, "each agent's budget lives in Redis: " + afterFirst + " keys");
            round(fixture, callers);
            long afterSecond = redis.sync().dbsize();
            assertTrue(afterSecond <= afterFirst, CALLS_PER_ROUND + " more calls added keys: " + afterFirst + " → " + afterSecond);
        } finally {
            client.shutdown();
        }
    }

    private static void round(GatewayFixture fixture, List<GatewayFixture.Caller> callers) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < CALLS_PER_ROUND; i++) {
            GatewayFixture.Caller caller = callers.get(i % callers.size());
            statuses.add(pool.submit(() -> http.send(HttpRequest.newBuilder(fixture.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                    .header("X-Caracal-Estimated-Cost", "0.50").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()));
        }
        for (Future<Integer> status : statuses) {
            assertEquals(200, status.get());
        }
        pool.shutdown();
    }
}
