package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.store.RedisUnavailableException;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.Await;
import io.caracal.testing.CapturedLog;
import io.caracal.testing.SecuredRedis;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway on a Redis that wants a password and TLS, configured as the AWS stack configures it (REDIS_HOST,
 * REDIS_PORT, REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS, plus the test CA in REDIS_TLS_CA_FILE): it charges calls
 * through it; when the password stops working it fails closed and /ready says why; started with a wrong password it
 * refuses to start, saying why. No password ever reaches a log line, an error body or a message.
 */
class GatewaySecuredRedisTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String WRONG = "wrong!" + System.nanoTime();
    private SecuredRedis redis;
    private CapturedLog log;

    @BeforeEach
    void start() {
        redis = SecuredRedis.start();
        log = CapturedLog.start();
    }

    @AfterEach
    void stop() {
        log.close();
        redis.close();
    }

    /** The properties application-services.yml binds from those variables; no REDIS_URL. */
    private Map<String, Object> securedRedis(String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("caracal.redis.url", "");
        settings.put("caracal.redis.host", redis.host());
        settings.put("caracal.redis.port", redis.tlsPort());
        settings.put("caracal.redis.username", SecuredRedis.USER);
        settings.put("caracal.redis.password", password);
        settings.put("caracal.redis.tls", true);
        settings.put("caracal.redis.tls-ca-file", redis.caFile().toString());
        return settings;
    }

    private static HttpResponse<String> call(GatewayFixture f, Caller caller) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "0.30").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> ready(GatewayFixture f) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/ready")).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void chargesThroughTlsAndAPasswordThenFailsClosedNamingTheRefusedPassword() throws Exception {
        String oldPassword = redis.userPassword();
        try (GatewayFixture gateway = new GatewayFixture("gateway_secured_redis", securedRedis(oldPassword))) {
            Caller caller = gateway.caller("1.00");
            HttpResponse<String> charged = call(gateway, caller);
            assertEquals(200, charged.statusCode(), charged.body());
            assertEquals("0.30", charged.headers().firstValue("X-Caracal-Charged").orElseThrow());
            assertEquals(0, new BigDecimal("0.30").compareTo(gateway.spent(caller)));
            assertEquals(200, ready(gateway).statusCode());

            // The operator rotates the AUTH token and the gateway still has the old one: its reconnect is refused.
            redis.rotatePasswords();
            HttpResponse<String> notReady = Await.until(Duration.ofSeconds(20), () -> ready(gateway),
                    r -> r.body().contains("refused the credentials"));
            assertEquals(503, notReady.statusCode(), notReady.body());
            JsonNode check = JSON.readTree(notReady.body()).get("checks").get("redis");
            assertEquals("unhealthy", check.get("status").asText());
            assertEquals("refused the credentials (WRONGPASS): check REDIS_PASSWORD and REDIS_USERNAME, or the user:password of REDIS_URL",
                    check.get("message").asText(), "why, and not where Redis is: /ready answers anyone");

            HttpResponse<String> refused = call(gateway, caller);
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("policy_evaluation_failed", JSON.readTree(refused.body()).get("error").asText());
            assertEquals(0, new BigDecimal("0.30").compareTo(gateway.spent(caller)), "nothing passed or was charged while refused");
            for (String body : new String[] {charged.body(), notReady.body(), refused.body()}) {
                assertFalse(body.contains(oldPassword) || body.contains(redis.userPassword()), body);
            }
        }
        log.assertNoneContains(oldPassword, redis.userPassword(), redis.password());
    }

    @Test
    void aWrongPasswordStopsTheGatewayAtStartSayingSo() {
        Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties("gateway_secured_redis_wrong"));
        properties.put("micronaut.server.port", -1);
        properties.put("caracal.metrics.port", -1);
        properties.putAll(securedRedis(WRONG));
        RuntimeException failed = assertThrows(RuntimeException.class,
                () -> ApplicationContext.builder().environments(GatewayApplication.ENVIRONMENTS).properties(properties).start().close());
        Throwable cause = failed;
        while (cause != null && !(cause instanceof RedisUnavailableException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, "the start-up failure names Redis: " + failed);
        assertEquals("Redis at rediss://127.0.0.1:" + redis.tlsPort() + " as caracal refused the credentials (WRONGPASS): check"
                + " REDIS_PASSWORD and REDIS_USERNAME, or the user:password of REDIS_URL", cause.getMessage());
        assertTrue(failed.getMessage().contains(cause.getMessage()), "what Micronaut reports at start: " + failed.getMessage());
        assertFalse(failed.toString().contains(WRONG), failed.toString());
        log.assertNoneContains(WRONG, redis.userPassword(), redis.password());
    }
}
