package io.caracal.bench;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.gateway.GatewayApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The gateway for the wrk benchmark: embedded PostgreSQL and Redis, one agent with a budget too large to run
 * out, and the upstream {@code stub} at the URL given. Writes the agent's API key to the file given, then runs
 * until killed. Usage: GatewayBenchServer <gateway port> <upstream url> <key file>
 */
public final class GatewayBenchServer {
    private GatewayBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase("bench");
        EmbeddedRedisServer redis = EmbeddedRedisServer.start();
        ApplicationContext gateway = ApplicationContext.builder().environments(GatewayApplication.ENVIRONMENTS).properties(Map.of(
                "micronaut.server.port", port,
                "micronaut.server.host", "127.0.0.1",
                "datasources.default.url", postgres.jdbcUrl("bench"),
                "datasources.default.username", EmbeddedPostgresServer.USER,
                "datasources.default.password", "",
                "datasources.default.maximum-pool-size", 32,
                "caracal.redis.uri", redis.uri(),
                "caracal.gateway.metrics-port", 0,
                "caracal.gateway.upstreams.stub.url", args[1])).start();
        gateway.getBean(SchemaMigrator.class).migrate();
        Agent agent = gateway.getBean(AgentStore.class).create(new AgentDraft("bench-agent", "", "bench", null, Map.of()));
        gateway.getBean(PolicyStore.class).create(agent.id(), new PolicyTerms(new Money(new BigDecimal("1000000000"), new CurrencyCode("USD")),
                TimeWindow.MONTHLY, WindowType.CALENDAR, null), null, new PolicyChange("bench", "bench"));
        String key = gateway.getBean(ApiKeyStore.class).create(agent.id(), "bench").plaintext();
        gateway.getBean(EmbeddedServer.class).start();
        Files.writeString(Path.of(args[2]), key);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            redis.close();
            postgres.close();
        }));
        new CountDownLatch(1).await();
    }
}
