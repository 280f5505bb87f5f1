package io.caracal.cli.dev;

import io.caracal.cli.CliSession;
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
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole system in one process: embedded PostgreSQL (data kept under the Caracal home), Redis and Kafka,
 * the gateway, the ledger, metrics and audit consumers, a demo upstream and a demo agent with a budget and an API key. While it runs, its connection
 * settings are in {@code <home>/dev.env}, so {@code caracal} commands in other terminals use the same stack.
 */
public final class DevStack implements AutoCloseable {
    static final String DEMO_AGENT = "demo-agent";
    static final String DEMO_BUDGET = "1.00";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Path devEnv;
    private String gatewayUrl;
    private String metricsUrl;
    private Agent demoAgent;
    private String apiKey;
    private EmbeddedPostgresServer postgres;
    private EmbeddedRedisServer redis;
    private EmbeddedKafkaBroker kafka;

    private DevStack(Path home) {
        this.devEnv = home.resolve(CliSession.DEV_ENV);
    }

    /** Starts everything; on any failure stops what had started and rethrows. */
    public static DevStack start(Path home, int gatewayPort) {
        DevStack stack = new DevStack(home);
        try {
            stack.boot(home, gatewayPort);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void boot(Path home, int gatewayPort) {
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        postgres = remember(EmbeddedPostgresServer.startPersistent(home.resolve("postgres")));
        postgres.createDatabase("caracal");
        migrate(postgres);
        redis = remember(EmbeddedRedisServer.start());
        kafka = remember(EmbeddedKafkaBroker.start());
        DemoUpstream upstream = remember(DemoUpstream.start());
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", gatewayPort);
        properties.put("micronaut.server.ssl.enabled", false); // a laptop's loopback: plain HTTP, as asked for by `caracal dev`
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("datasources.default.url", postgres.jdbcUrl("caracal"));
        properties.put("datasources.default.username", EmbeddedPostgresServer.USER);
        properties.put("datasources.default.password", "");
        properties.put("caracal.redis.url", redis.uri());
        properties.put("caracal.gateway.upstreams.demo.url", upstream.url());
        properties.put("caracal.kafka.bootstrap-servers", kafka.bootstrapServers());
        // One metrics port for the one process the dev stack is: the gateway's and the consumers' meters together.
        properties.put("caracal.metrics.port", 0);
        properties.put("caracal.metrics.host", "127.0.0.1");
        // The ledger, metrics and audit consumers run in this process too, as their containers would.
        properties.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        properties.put("caracal.consumers.ledger-writer.enabled", true);
        properties.put("caracal.consumers.audit-logger.enabled", true);
        properties.put("caracal.consumers.metrics-aggregator.enabled", true);
        // The ledger is signed as in production, with a dev key kept beside the data, and checkpoints come quickly.
        properties.put("caracal.merkle.signing-key-path", devKey(home, "merkle_signing_key.pem").toString());
        properties.put("caracal.merkle.batch-timeout", "5s");
        // Receipts too: the same key across restarts, so the dev stack's receipt_keys does not grow with every start.
        properties.put("caracal.receipts.signing-key-path", devKey(home, "receipt_signing_key.pem").toString());
        ApplicationContext gateway = remember(ApplicationContext.builder().environments("dev", "gateway", "services").properties(properties).start());
        EmbeddedServer server = gateway.getBean(EmbeddedServer.class);
        server.start();
        gatewayUrl = "http://127.0.0.1:" + server.getPort();
        metricsUrl = "http://127.0.0.1:" + gateway.getBean(io.caracal.core.metrics.PrometheusEndpoint.class).port() + "/metrics";
        demoAgent = demoAgent(gateway);
        apiKey = gateway.getBean(ApiKeyStore.class).create(demoAgent.id(), "caracal dev").plaintext();
        writeDevEnv();
    }

    /**
     * The schema, before the context: starting it starts the consumers and the ledger's scheduled jobs, which on a
     * first start would otherwise run against a database with no tables yet and log an error.
     */
    private static void migrate(EmbeddedPostgresServer postgres) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgres.jdbcUrl("caracal"));
        dataSource.setUser(EmbeddedPostgresServer.USER);
        new SchemaMigrator(dataSource).migrate();
    }

    /** A P-256 signing key kept beside the data, created on first start. */
    private static Path devKey(Path home, String name) {
        Path key = home.resolve("keys").resolve(name);
        if (!Files.exists(key)) {
            io.caracal.core.keys.PemKeys.generate(key);
        }
        return key;
    }

    /** The demo agent and its daily budget, created on first start and kept with the data after that. */
    private static Agent demoAgent(ApplicationContext gateway) {
        AgentStore agents = gateway.getBean(AgentStore.class);
        Optional<Agent> existing = agents.list(Optional.empty()).stream().filter(a -> a.name().equals(DEMO_AGENT)).findFirst();
        if (existing.isPresent()) {
            return existing.get();
        }
        Agent agent = agents.create(new AgentDraft(DEMO_AGENT, "Created by caracal dev", "dev@localhost", null, Map.of()));
        gateway.getBean(PolicyStore.class).create(agent.id(), new PolicyTerms(new Money(new BigDecimal(DEMO_BUDGET), new CurrencyCode("USD")),
                TimeWindow.DAILY, WindowType.CALENDAR, null), null, new PolicyChange("caracal dev", "Demo budget"));
        return agent;
    }

    private void writeDevEnv() {
        String content = "# Written by `caracal dev` while it runs; caracal commands use it when DB_HOST is not set.\n"
                + "DB_HOST=" + postgres.host() + "\nDB_PORT=" + postgres.port() + "\nDB_NAME=caracal\nDB_USER=" + EmbeddedPostgresServer.USER
                + "\nDB_PASSWORD=\nREDIS_HOST=" + redis.host() + "\nREDIS_PORT=" + redis.port()
                + "\nKAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrapServers() + "\nGATEWAY_URL=" + gatewayUrl + "\n";
        try {
            Files.writeString(devEnv, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T extends AutoCloseable> T remember(T resource) {
        started.add(0, resource);
        return resource;
    }

    public String gatewayUrl() {
        return gatewayUrl;
    }

    String metricsUrl() {
        return metricsUrl;
    }

    public Agent demoAgent() {
        return demoAgent;
    }

    public String apiKey() {
        return apiKey;
    }

    String postgresAddress() {
        return postgres.host() + ":" + postgres.port();
    }

    String redisAddress() {
        return redis.host() + ":" + redis.port();
    }

    String kafkaAddress() {
        return kafka.bootstrapServers();
    }

    /** Stops everything in the reverse order it started; the data stays. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(devEnv);
        } catch (IOException ignored) {
            // A stale dev.env is harmless: the CLI checks the database answers before using it.
        }
        for (AutoCloseable resource : started) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // Keep stopping the rest.
            }
        }
        started.clear();
    }
}
