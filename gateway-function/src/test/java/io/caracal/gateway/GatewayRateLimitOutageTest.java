package io.caracal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.ratelimit.RateLimit;
import io.caracal.core.ratelimit.RateLimitStore;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.gateway.GatewayFixture.Caller;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Redis goes away, and with it the rate limiter's buckets: a limited agent's calls fail closed like every call the
 * budget store cannot check, unless degraded mode is on, whose allowance then bounds what they can spend.
 */
class GatewayRateLimitOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Caller limited(GatewayFixture gateway) {
        Caller caller = gateway.caller("10.00");
        gateway.gateway.getBean(RateLimitStore.class).set(caller.agent().id(), RateLimit.parse("100", "100"));
        return caller;
    }

    private static HttpResponse<String> call(GatewayFixture gateway, Caller caller) throws Exception {
        return GatewayLoad.CLIENT.send(HttpRequest.newBuilder(gateway.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "0.30").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutDegradedModeALimitedAgentIsRefusedWhileRedisIsDown() throws Exception {
        EmbeddedRedisServer redis = EmbeddedRedisServer.start();
        try (GatewayFixture gateway = new GatewayFixture("gateway_rate_limit_strict", Map.of("caracal.redis.url", redis.uri()))) {
            Caller caller = limited(gateway);
            assertEquals(200, call(gateway, caller).statusCode(), "limited, within the limit");
            redis.close();
            HttpResponse<String> down = call(gateway, caller);
            assertEquals(503, down.statusCode(), down.body());
            assertEquals("rate_limit_check_failed", JSON.readTree(down.body()).get("error").asText());
            assertEquals(0, new BigDecimal("0.30").compareTo(gateway.spent(caller)), "nothing passed or was charged during the outage");
        } finally {
            redis.close();
        }
    }

    @Test
    void inDegradedModeALimitedAgentSpendsTheAllowanceWhileRedisIsDown() throws Exception {
        EmbeddedRedisServer redis = EmbeddedRedisServer.start();
        try (GatewayFixture gateway = new GatewayFixture("gateway_rate_limit_degraded", Map.of("caracal.redis.url", redis.uri(),
                "caracal.gateway.degraded-allowance", "0.50"))) {
            Caller caller = limited(gateway);
            assertEquals(200, call(gateway, caller).statusCode(), "limited, within the limit; its budget's figures now cached");
            redis.close();
            HttpResponse<String> degraded = call(gateway, caller);
            assertEquals(200, degraded.statusCode(), degraded.body());
            assertEquals("true", degraded.headers().firstValue("X-Caracal-Degraded-Mode").orElseThrow());
            HttpResponse<String> pastTheAllowance = call(gateway, caller);
            assertEquals(503, pastTheAllowance.statusCode(), "0.30 of the 0.50 allowance spent: " + pastTheAllowance.body());
            assertEquals(0, new BigDecimal("0.60").compareTo(gateway.spent(caller)));
        } finally {
            redis.close();
        }
    }
}
