package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.FreePorts;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /ready with Redis stopped under a gateway in degraded mode: degraded (200, the replica stays in its load balancer)
 * while degraded mode can serve someone, unhealthy (503) once it cannot, because the cached figures aged past the
 * max age (the gateway's clock is moved, nothing sleeps) or every cached agent spent its allowance; ok when Redis is
 * back.
 */
class GatewayReadinessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final int REDIS_PORT = FreePorts.next();
    private static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final MutableClock clock = new MutableClock(Clock.systemUTC().instant());
    private static EmbeddedRedisServer redis;
    private static GatewayFixture f;

    @BeforeAll
    static void start() throws Exception {
        redis = EmbeddedRedisServer.start(REDIS_PORT);
        f = new GatewayFixture("gateway_readiness", Map.of("caracal.redis.url", redis.uri(),
                "caracal.gateway.degraded-allowance", "0.50", "caracal.gateway.degraded-max-age", MAX_AGE.toString()), clock);
    }

    @AfterAll
    static void stop() {
        f.close();
        redis.close();
    }

    private static HttpResponse<String> ready() throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/ready")).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int call(Caller caller, String estimate) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/stub/nocost")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", estimate).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** /ready's status code, overall status and Redis check, as "503 unhealthy redis=unhealthy". */
    private static String readiness() throws Exception {
        HttpResponse<String> ready = ready();
        JsonNode body = JSON.readTree(ready.body());
        assertEquals("ok", body.get("checks").get("database").get("status").asText(), ready.body());
        return ready.statusCode() + " " + body.get("status").asText() + " redis=" + body.get("checks").get("redis").get("status").asText();
    }

    private static void redisBack() throws Exception {
        redis = EmbeddedRedisServer.start(REDIS_PORT);
        Await.until(Duration.ofSeconds(30), () -> {
            try {
                return readiness();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "200 ok redis=ok"::equals);
    }

    @Test
    void degradedWhileTheAllowanceLastsThenUnhealthyThenOkWhenRedisIsBack() throws Exception {
        assertEquals("200 ok redis=ok", readiness());
        Caller caller = f.caller("10.00");
        assertEquals(200, call(caller, "0.30"), "figures cached while Redis answers");

        redis.close();
        HttpResponse<String> degraded = ready();
        assertEquals(200, degraded.statusCode(), degraded.body());
        JsonNode redisCheck = JSON.readTree(degraded.body()).get("checks").get("redis");
        assertEquals("degraded", JSON.readTree(degraded.body()).get("status").asText(), degraded.body());
        assertEquals("degraded", redisCheck.get("status").asText());
        assertTrue(redisCheck.get("message").asText().contains("degraded mode serving 1 agent(s)"), degraded.body());

        // The figures age: at the max age degraded mode still serves, a moment later it cannot serve anyone.
        clock.advance(MAX_AGE);
        assertEquals("200 degraded redis=degraded", readiness());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("503 unhealthy redis=unhealthy", readiness());
        assertEquals(503, call(caller, "0.30"), "and indeed the call is refused");

        redisBack();
        assertEquals(200, call(caller, "0.30"), "fresh figures again");
        redis.close();
        assertEquals("200 degraded redis=degraded", readiness());
        // The allowance is 0.50 per agent (charged at the estimate on /nocost): 0.20 left still serves, nothing left does not.
        assertEquals(200, call(caller, "0.30"));
        assertEquals("200 degraded redis=degraded", readiness());
        assertEquals(200, call(caller, "0.20"));
        assertEquals("503 unhealthy redis=unhealthy", readiness(), "no cached agent has any allowance left");

        redisBack();
    }
}
