package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.store.Database;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.CapturedLog;
import io.caracal.testing.SecuredRedis;
import io.caracal.testing.TestDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `caracal budget status` and `budget spend` over spend recorded by the engine, as a gateway would record it. */
class CliBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(CliRunner cli, Map<String, String> env, String... args) throws Exception {
        CliRunner.Result result = cli.runWith(env, args);
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }

    @Test
    void statusAndSpendShowWhatTheEngineRecordedWhetherRedisIsSharedOrRebuilt() throws Exception {
        CliRunner cli = new CliRunner("cli_budget");
        assertEquals(0, cli.run("db", "init").exitCode());
        Map<String, String> env = cli.env();
        String parent = json(cli, env, "agent", "create", "--name", "budget-parent", "--owner", "o", "-o", "json").get("agent_id").asText();
        String child = json(cli, env, "agent", "create", "--name", "budget-child", "--owner", "o", "--parent-id", parent, "-o", "json").get("agent_id").asText();
        String parentPolicy = json(cli, env, "policy", "create", "--agent-id", parent, "--limit", "10", "-o", "json").get("policy_id").asText();
        json(cli, env, "policy", "create", "--agent-id", child, "--limit", "4", "--delegated-from", parent, "-o", "json");

        // Spend through the engine, as the gateway will: 1.50 settled and 0.75 still held by the child.
        try (HikariDataSource dataSource = TestDatabase.pool("cli_budget")) {
            RedisClient client = RedisClient.create(SharedServices.redis().uri());
            try (StatefulRedisConnection<String, String> redis = client.connect()) {
                Database db = new Database(dataSource);
                Clock clock = Clock.systemUTC();
                PolicyStore policies = new PolicyStore(db, clock);
                BudgetEngine engine = new BudgetEngine(new AgentStore(db, clock), policies, new PricebookStore(db, clock),
                        new HoldStore(db), new RedisBudgetCounters(redis.sync()), clock);
                Money usd = new Money(new BigDecimal("1.50"), new CurrencyCode("USD"));
                engine.settle(engine.hold(UUID.fromString(child), usd, null).holdId(), usd);
                assertTrue(engine.hold(UUID.fromString(child), new Money(new BigDecimal("0.75"), new CurrencyCode("USD")), null).allowed());
            } finally {
                client.shutdown();
            }
        }

        Map<String, String> shared = withRedis(env, SharedServices.redis());
        try (EmbeddedRedisServer emptyRedis = EmbeddedRedisServer.start()) {
            // The shared Redis, then an empty one the engine rebuilds from PostgreSQL.
            for (Map<String, String> redisEnv : List.of(shared, withRedis(env, emptyRedis))) {
                JsonNode status = json(cli, redisEnv, "budget", "status", "--agent-id", child, "--estimate", "1.75", "-o", "json");
                assertTrue(status.get("allowed").asBoolean(), status.toString());
                assertEquals(2, status.get("budgets").size());
                JsonNode own = status.get("budgets").get(0);
                assertEquals("1.50", own.get("spent").asText());
                assertEquals("0.75", own.get("held").asText());
                assertEquals("1.75", own.get("available").asText());
                assertEquals(parentPolicy, status.get("budgets").get(1).get("policy_id").asText());
                assertEquals("7.75", status.get("budgets").get(1).get("available").asText());
                assertEquals("0.00", status.get("remaining").asText(), "exactly what is left is allowed, and leaves nothing");
            }
        }
        CliRunner.Result text = cli.runWith(shared, "budget", "status", "--agent-id", child, "--estimate", "1.76");
        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.out().contains("DENIED: budget exceeded"), text.out());
        // The admin CLI has no Redis of its own to start: with none configured it says what to do, in one line.
        CliRunner.Result noRedis = cli.run("budget", "status", "--agent-id", child);
        assertEquals(1, noRedis.exitCode(), noRedis::toString);
        assertEquals("Error: no Redis configured: set REDIS_URL or REDIS_HOST (or redis.url or redis.host in the config file), or start `caracal dev` in another terminal",
                noRedis.err().strip());

        JsonNode spend = json(cli, env, "budget", "spend", "--agent-id", parent, "--time-window", "daily", "--include-descendants", "--by-child", "-o", "json");
        assertEquals("1.50", spend.get("totals").get("USD").asText());
        assertEquals(child, spend.get("children").get(0).get("agent_id").asText());
        assertEquals("1.50", spend.get("children").get(0).get("totals").get("USD").asText());
        JsonNode own = json(cli, env, "budget", "spend", "--agent-id", parent, "--start-time", "2020-01-01T00:00:00Z", "--end-time", "2099-01-01T00:00:00Z", "-o", "json");
        assertFalse(own.get("totals").has("USD"), "the parent itself spent nothing");
        CliRunner.Result bad = cli.run("budget", "spend", "--agent-id", parent, "--start-time", "2030-01-01T00:00:00Z", "--end-time", "2020-01-01T00:00:00Z");
        assertEquals(1, bad.exitCode());
        assertEquals("Error: end-time must be after start-time", bad.err().strip());
    }

    /**
     * As an operator points the CLI at ElastiCache: a {@code rediss://} REDIS_URL with an ACL user, or REDIS_HOST with
     * REDIS_PASSWORD and REDIS_TLS; here with the test CA in REDIS_TLS_CA_FILE. A wrong password is named, not shown.
     */
    @Test
    void statusThroughARedisBehindAPasswordAndTls() throws Exception {
        CliRunner cli = new CliRunner("cli_budget_secured_redis");
        assertEquals(0, cli.run("db", "init").exitCode());
        Map<String, String> env = cli.env();
        String agent = json(cli, env, "agent", "create", "--name", "secured", "--owner", "o", "-o", "json").get("agent_id").asText();
        json(cli, env, "policy", "create", "--agent-id", agent, "--limit", "10", "-o", "json");
        String wrong = "wrong!" + System.nanoTime();
        try (SecuredRedis redis = SecuredRedis.start(); CapturedLog log = CapturedLog.start()) {
            Map<String, String> url = new HashMap<>(env);
            url.put("REDIS_URL", redis.tlsUrl());
            url.put("REDIS_TLS_CA_FILE", redis.caFile().toString());
            Map<String, String> host = new HashMap<>(env);
            host.put("REDIS_HOST", redis.host());
            host.put("REDIS_PORT", Integer.toString(redis.tlsPort()));
            host.put("REDIS_PASSWORD", redis.password());
            host.put("REDIS_TLS", "true");
            host.put("REDIS_TLS_CA_FILE", redis.caFile().toString());
            for (Map<String, String> redisEnv : List.of(url, host)) {
                JsonNode status = json(cli, redisEnv, "budget", "status", "--agent-id", agent, "--estimate", "2", "-o", "json");
                assertTrue(status.get("allowed").asBoolean(), status.toString());
                assertEquals("10.00", status.get("budgets").get(0).get("available").asText());
            }

            url.put("REDIS_URL", "rediss://" + SecuredRedis.USER + ":" + wrong + "@" + redis.host() + ":" + redis.tlsPort());
            CliRunner.Result refused = cli.runWith(url, "budget", "status", "--agent-id", agent);
            assertEquals(1, refused.exitCode(), refused::toString);
            assertEquals("Error: Redis at rediss://127.0.0.1:" + redis.tlsPort() + " as caracal refused the credentials (WRONGPASS): check"
                    + " REDIS_PASSWORD and REDIS_USERNAME, or the user:password of REDIS_URL", refused.err().strip());
            assertFalse(refused.out().contains(wrong) || refused.err().contains(wrong));
            log.assertNoneContains(wrong, redis.password(), redis.userPassword());
        }
    }

    private static Map<String, String> withRedis(Map<String, String> env, EmbeddedRedisServer redis) {
        Map<String, String> withRedis = new HashMap<>(env);
        withRedis.put("REDIS_HOST", redis.host());
        withRedis.put("REDIS_PORT", Integer.toString(redis.port()));
        return withRedis;
    }
}
