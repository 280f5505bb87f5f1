package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.Await;
import io.caracal.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /stats reports the request path's in-process caches as they were used: N calls by one agent whose key is
 * cached are N hits on the key cache and no miss. The gateway's clock stands still, so no entry expires meanwhile.
 */
class GatewayStatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final int CALLS = 10;
    private static GatewayFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new GatewayFixture("gateway_stats", Map.of(), new MutableClock(Clock.systemUTC().instant()));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static JsonNode caches() {
        try {
            HttpResponse<String> stats = CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/stats")).header("Authorization", "Bearer stats-secret")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stats.statusCode(), stats.body());
            return JSON.readTree(stats.body()).get("caches");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void call(Caller caller) {
        try {
            HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/stub/nocost")).header("X-API-Key", caller.key())
                    .header("X-Caracal-Estimated-Cost", "0.01").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void nCallsByOneAgentAreNHitsOnItsCachedKey() {
        Caller caller = f.caller("100");
        // The key's creation reaches the caches as a change notice a moment after it commits, and drops them: wait
        // until a call finds the key cached, from then on each call does.
        Await.until(Duration.ofSeconds(10), () -> {
            long before = caches().get("api_keys").get("hits").asLong();
            call(caller);
            return caches().get("api_keys").get("hits").asLong() > before;
        }, "a call that finds its key cached");
        JsonNode before = caches();

        for (int i = 0; i < CALLS; i++) {
            call(caller);
        }

        JsonNode after = caches();
        JsonNode keys = after.get("api_keys");
        assertEquals(before.get("api_keys").get("hits").asLong() + CALLS, keys.get("hits").asLong(), after.toString());
        assertEquals(before.get("api_keys").get("misses").asLong(), keys.get("misses").asLong(), after.toString());
        assertEquals(1, keys.get("size").asLong(), "one key cached: " + after);
        long lookups = keys.get("hits").asLong() + keys.get("misses").asLong();
        assertEquals((double) keys.get("hits").asLong() / lookups, keys.get("hit_rate").asDouble(), 1e-9);
        // The agent and its rate limit are read at least once per call, its policies once per budget decision.
        for (String cache : List.of("agents", "policies", "rate_limits")) {
            assertTrue(after.get(cache).get("hits").asLong() >= before.get(cache).get("hits").asLong() + CALLS, cache + ": " + after);
            assertEquals(before.get(cache).get("misses").asLong(), after.get(cache).get("misses").asLong(), cache + ": " + after);
            assertEquals(1, after.get(cache).get("size").asLong(), cache + ": " + after);
        }
        // Read only for calls that price from the pricebook or name a target URL; reported all the same.
        assertTrue(after.has("pricebook") && after.has("allowlists"), after.toString());
    }
}
