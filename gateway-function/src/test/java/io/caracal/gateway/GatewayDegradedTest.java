package io.caracal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.core.store.RedisConnections;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.FreePorts;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.Await;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis goes away: fail closed by default; with degraded mode, a bounded allowance that is still recorded, and
 * enforced as soon as Redis is back, empty or with its old figures.
 */
class GatewayDegradedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final int STRICT_PORT = FreePorts.next();
    private static final int DEGRADED_PORT = FreePorts.next();
    private static final int KEEPING_PORT = FreePorts.next();
    @TempDir
    static Path keepingData;
    private static EmbeddedRedisServer strictRedis;
    private static EmbeddedRedisServer degradedRedis;
    private static EmbeddedRedisServer keepingRedis;
    private static GatewayFixture strict;
    private static GatewayFixture degraded;
    private static GatewayFixture keeping;

    @BeforeAll
    static void start() throws Exception {
        strictRedis = EmbeddedRedisServer.start(STRICT_PORT);
        degradedRedis = EmbeddedRedisServer.start(DEGRADED_PORT);
        strict = new GatewayFixture("gateway_no_degraded", Map.of("caracal.redis.url", strictRedis.uri()));
        degraded = new GatewayFixture("gateway_degraded", Map.of("caracal.redis.url", degradedRedis.uri(),
                "caracal.gateway.degraded-allowance", "0.50"));
        keepingRedis = EmbeddedRedisServer.startKeepingData(KEEPING_PORT, keepingData);
        keeping = new GatewayFixture("gateway_degraded_keeping", Map.of("caracal.redis.url", keepingRedis.uri(),
                "caracal.gateway.degraded-allowance", "2.00"));
    }

    @AfterAll
    static void stop() {
        strict.close();
        degraded.close();
        keeping.close();
        strictRedis.close();
        degradedRedis.close();
        keepingRedis.close();
    }

    private static HttpResponse<String> call(GatewayFixture f, Caller caller) throws Exception {
        return call(f, caller, "/stub/chat", "0.30");
    }

    private static HttpResponse<String> call(GatewayFixture f, Caller caller, String path, String estimate) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(f.base.resolve(path)).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", estimate).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitRedis(GatewayFixture f) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> ready = CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/ready")).GET().build(), HttpResponse.BodyHandlers.ofString());
            // Not merely 200: a gateway serving in degraded mode is ready too.
            if ("ok".equals(JSON.readTree(ready.body()).get("status").asText())) {
                return;
            }
        }
        throw new AssertionError("Redis did not come back");
    }

    @Test
    void withoutDegradedModeARedisOutageDeniesEverything() throws Exception {
        Caller caller = strict.caller("1.00");
        assertEquals(200, call(strict, caller).statusCode());
        strictRedis.close();
        HttpResponse<String> down = call(strict, caller);
        assertEquals(503, down.statusCode());
        assertEquals("policy_evaluation_failed", JSON.readTree(down.body()).get("error").asText());
        assertEquals(0, new BigDecimal("0.30").compareTo(strict.spent(caller)), "nothing passed or was charged during the outage");
        HttpResponse<String> ready = CLIENT.send(HttpRequest.newBuilder(strict.base.resolve("/ready")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, ready.statusCode(), "without degraded mode a Redis outage leaves the load balancer at once");
        assertEquals("unhealthy", JSON.readTree(ready.body()).get("status").asText());
        assertEquals("unhealthy", JSON.readTree(ready.body()).get("checks").get("redis").get("status").asText());
    }

    @Test
    void degradedModeAllowsABoundedAmountThatStillCountsWhenRedisIsBack() throws Exception {
        Caller caller = degraded.caller("1.00");
        assertEquals(200, call(degraded, caller).statusCode(), "0.70 left, cached");
        Caller unseen = degraded.caller("1.00");
        degradedRedis.close();

        HttpResponse<String> first = call(degraded, caller);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("true", first.headers().firstValue("X-Caracal-Degraded-Mode").orElseThrow());
        assertTrue(first.headers().firstValue("X-Caracal-Cache-Age").isPresent());
        assertEquals(503, call(degraded, caller).statusCode(), "the 0.50 allowance has 0.20 left, 0.30 does not fit");
        assertEquals(503, call(degraded, unseen).statusCode(), "no cached figures for an agent not seen before the outage");
        assertEquals(0, new BigDecimal("0.60").compareTo(degraded.spent(caller)), "the degraded call was recorded in PostgreSQL");

        degradedRedis = EmbeddedRedisServer.start(DEGRADED_PORT); // back, but empty
        awaitRedis(degraded);
        assertEquals(200, call(degraded, caller).statusCode(), "0.60 spent + 0.30 fits 1.00");
        HttpResponse<String> over = call(degraded, caller);
        assertEquals(403, over.statusCode(), "the degraded spend counts again once Redis is rebuilt from PostgreSQL");
        assertEquals("0.10", JSON.readTree(over.body()).get("remaining_budget").asText());
    }

    @Test
    void degradedSpendCountsAsSoonAsRedisIsBackWithItsOldFigures() throws Exception {
        Caller caller = keeping.caller("5.00");
        String charged = "/stub/nocost"; // charged at the estimate
        assertEquals(200, call(keeping, caller, charged, "2.00").statusCode(), "2 of 5 spent, counted in Redis");
        keepingRedis.close();
        HttpResponse<String> away = call(keeping, caller, charged, "2.00");
        assertEquals(200, away.statusCode(), away.body());
        assertEquals("true", away.headers().firstValue("X-Caracal-Degraded-Mode").orElseThrow());
        assertEquals(0, new BigDecimal("4.00").compareTo(keeping.spent(caller)), "the ledger has both calls");

        // Back with what it had before the outage: 2 spent, loaded for minutes more.
        keepingRedis = EmbeddedRedisServer.startKeepingData(KEEPING_PORT, keepingData);
        awaitRedis(keeping);
        // Another replica (or `caracal budget status`) sees the degraded spend without a request through this
        // gateway: an idle gateway still has Redis rebuild what it charged while Redis was away.
        RedisClient client = RedisConnections.client(keepingRedis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            BudgetEngine replica = new BudgetEngine(keeping.gateway.getBean(AgentStore.class), keeping.gateway.getBean(PolicyStore.class),
                    keeping.gateway.getBean(PricebookStore.class), keeping.gateway.getBean(HoldStore.class),
                    new RedisBudgetCounters(connection.sync()), Clock.systemUTC());
            BigDecimal seen = Await.until(Duration.ofSeconds(10), () -> replica.check(caller.agent().id(), null).budgets().get(0).spent(),
                    spent -> spent.compareTo(new BigDecimal("4")) == 0);
            assertEquals(0, new BigDecimal("4").compareTo(seen), "spent as another replica sees it: " + seen);
        } finally {
            client.shutdown();
        }
        HttpResponse<String> over = call(keeping, caller, charged, "2.00");
        assertEquals(403, over.statusCode(), over.body());
        assertEquals("budget_exceeded", JSON.readTree(over.body()).get("error").asText());
        assertEquals("1.00", JSON.readTree(over.body()).get("remaining_budget").asText());
    }
}
