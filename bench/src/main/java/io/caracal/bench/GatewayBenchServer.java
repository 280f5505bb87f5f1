package io.caracal.bench;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.pricing.ModelPriceKeys;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.gateway.GatewayApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The gateway for the wrk benchmarks (bench/run-gateway-bench.sh, run-llm-bench.sh): embedded PostgreSQL and Redis, 64 agents each
 * with a budget too large to run out and an API key, the generic upstream {@code stub} at the URL given, any more
 * upstreams given as {@code <name>:<type>:<url>} (e.g. {@code openai:openai:http://127.0.0.1:18091/openai/v1}, an
 * upstream priced from the usage its answers report), the bench model's prices in the pricebook, and the gateway's
 * own settings otherwise (the default pool size included). PostgreSQL runs with durability {@code on}
 * (fsync, synchronous_commit and full_page_writes on, as in production) or {@code off} (the embedded server's
 * default). Writes to the info file the process ids to measure (this JVM, the postmaster, redis-server), the pool
 * size and the durability settings the server reports; then the 64 API keys, one a line, to the key file (its
 * appearance means ready); then runs until killed.
 * Usage: GatewayBenchServer <gateway port> <upstream url> <key file> <durability on|off> <info file> [<name>:<type>:<url> ...]
 */
public final class GatewayBenchServer {
    private static final int AGENTS = 64;
    private static final List<String> DURABILITY = List.of("fsync", "synchronous_commit", "full_page_writes");
    private static final String USAGE = "usage: GatewayBenchServer <gateway port> <upstream url> <key file> <durability on|off> <info file>"
            + " [<name>:<type>:<url> ...]";
    /** The model bench/gateway-bench.lua asks for, at OpenAI's list prices in USD per million tokens (reasoning as output). */
    private static final String MODEL = "gpt-4o-mini";
    private static final Map<String, String> MODEL_PRICES = Map.of("input", "0.15", "cached_input", "0.075", "output", "0.60", "reasoning", "0.60");

    private GatewayBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5 || !args[3].matches("on|off")) {
            throw new IllegalArgumentException(USAGE);
        }
        int port = Integer.parseInt(args[0]);
        Path keyFile = Path.of(args[2]);
        boolean durable = args[3].equals("on");
        EmbeddedPostgresServer postgres = durable
                ? EmbeddedPostgresServer.startTemporary(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"))
                : EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase("bench");
        EmbeddedRedisServer redis = EmbeddedRedisServer.start();
        Map<String, Object> properties = new LinkedHashMap<>(Map.of(
                "micronaut.server.port", port,
                "micronaut.server.ssl.enabled", false,
                "micronaut.server.host", "127.0.0.1",
                "datasources.default.url", postgres.jdbcUrl("bench"),
                "datasources.default.username", EmbeddedPostgresServer.USER,
                "datasources.default.password", "",
                "caracal.redis.url", redis.uri(),
                "caracal.metrics.port", 0,
                "caracal.gateway.upstreams.stub.url", args[1]));
        for (int i = 5; i < args.length; i++) {
            String[] upstream = args[i].split(":", 3);
            if (upstream.length != 3) {
                throw new IllegalArgumentException("an upstream is <name>:<type>:<url>, got '" + args[i] + "'; " + USAGE);
            }
            properties.put("caracal.gateway.upstreams." + upstream[0] + ".type", upstream[1]);
            properties.put("caracal.gateway.upstreams." + upstream[0] + ".url", upstream[2]);
        }
        ApplicationContext gateway = ApplicationContext.builder().environments(GatewayApplication.ENVIRONMENTS).properties(properties).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            redis.close();
            postgres.close();
        }));
        gateway.getBean(SchemaMigrator.class).migrate();
        List<PriceDraft> prices = new ArrayList<>();
        MODEL_PRICES.forEach((tokenClass, perMillion) -> prices.add(new PriceDraft(ModelPriceKeys.key(MODEL, tokenClass),
                Money.parse("price", perMillion, new CurrencyCode("USD")), null)));
        gateway.getBean(PricebookStore.class).importAll(prices);
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= AGENTS; i++) {
            Agent agent = gateway.getBean(AgentStore.class).create(new AgentDraft("bench-agent-" + i, "", "bench", null, Map.of()));
            gateway.getBean(PolicyStore.class).create(agent.id(), new PolicyTerms(new Money(new BigDecimal("1000000000"),
                    new CurrencyCode("USD")), TimeWindow.MONTHLY, WindowType.CALENDAR, null), null, new PolicyChange("bench", "bench"));
            keys.add(gateway.getBean(ApiKeyStore.class).create(agent.id(), "bench").plaintext());
        }
        gateway.getBean(EmbeddedServer.class).start();

        String settings = settings(postgres, "bench");
        String pool = gateway.getProperty("datasources.default.maximum-pool-size", String.class).orElse("?");
        System.out.println("bench: PostgreSQL " + settings + "; pool size " + pool);
        writeAtomically(Path.of(args[4]), "jvm " + ProcessHandle.current().pid() + "\npostgres " + postmasterPid(postgres)
                + "\nredis " + redisPid() + "\npool " + pool + "\nsettings " + settings + "\n");
        writeAtomically(keyFile, String.join("\n", keys) + "\n");
        new CountDownLatch(1).await();
    }

    /** The durability settings as the running server reports them, e.g. {@code fsync=on synchronous_commit=on full_page_writes=on}. */
    private static String settings(EmbeddedPostgresServer postgres, String database) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement s = c.createStatement()) {
            for (String name : DURABILITY) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    text.append(text.isEmpty() ? "" : " ").append(name).append('=').append(rs.getString(1));
                }
            }
        }
        return text.toString();
    }

    /** The postmaster's pid: the first line of postmaster.pid in the server's data directory. */
    private static long postmasterPid(EmbeddedPostgresServer postgres) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("bench"), EmbeddedPostgresServer.USER, "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW data_directory")) {
            rs.next();
            return Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
        }
    }

    /** embedded-redis runs redis-server as a child of this JVM. */
    private static long redisPid() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(command -> command.contains("redis-server")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no redis-server child process")).pid();
    }

    private static void writeAtomically(Path file, String text) throws Exception {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
