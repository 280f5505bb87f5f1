package io.caracal.cli;

import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.core.store.RedisSettings;
import io.caracal.core.store.SharedRedis;
import io.caracal.core.store.SchemaMigrator;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What one CLI invocation shares between its commands: the environment, the output streams and, started only
 * when a command first needs it, the application context holding the stores. {@code --help} and usage errors
 * never touch the database.
 */
public final class CliSession implements AutoCloseable {
    /** Where a running {@code caracal dev} writes its connection settings, in the Caracal home. */
    public static final String DEV_ENV = "dev.env";
    private static final String INCLUSION = "micronaut.serde.serialization.inclusion";

    private final Map<String, String> env;
    private Map<String, String> effectiveEnv;
    private final PrintWriter out;
    private final PrintWriter err;
    private Path configFile;
    private boolean configFileGiven;
    private final LocalServices localServices;
    private LocalServices.Server localPostgres;
    private ApplicationContext context;
    private LocalServices.Server localRedis;
    private SharedRedis redis;
    private ObjectMapper.CloseableObjectMapper offlineJson;

    public CliSession(Map<String, String> env, PrintWriter out, PrintWriter err, LocalServices localServices) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.localServices = localServices;
        this.configFile = home().resolve("config.yaml");
    }

    /**
     * The environment, plus the connection settings of a running {@code caracal dev} when the environment
     * names no database of its own: then commands in another terminal work on the dev stack.
     */
    private Map<String, String> effectiveEnv() {
        // Read once per invocation: it may probe the dev stack's database port.
        if (effectiveEnv == null) {
            effectiveEnv = withDevStack();
        }
        return effectiveEnv;
    }

    private Map<String, String> withDevStack() {
        if (env.containsKey("DB_HOST")) {
            return env;
        }
        Path devEnv = home().resolve(DEV_ENV);
        if (!java.nio.file.Files.isRegularFile(devEnv)) {
            return env;
        }
        Properties values = new Properties();
        try (var reader = java.nio.file.Files.newBufferedReader(devEnv)) {
            values.load(reader);
        } catch (IOException e) {
            return env;
        }
        if (!reachable(values.getProperty("DB_HOST"), values.getProperty("DB_PORT"))) {
            return env; // left behind by a dev stack that did not stop cleanly
        }
        Map<String, String> merged = new HashMap<>();
        values.stringPropertyNames().forEach(name -> merged.put(name, values.getProperty(name)));
        merged.putAll(env);
        return merged;
    }

    private static boolean reachable(String host, String port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, Integer.parseInt(port)), 500);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    /** The directory for local state: $CARACAL_HOME, or ~/.caracal. */
    public Path home() {
        String home = env.get("CARACAL_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".caracal");
    }

    void useConfigFile(Path file) {
        this.configFile = file;
        this.configFileGiven = true;
    }

    public ConnectionSettings connectionSettings() {
        return ConnectionSettings.resolve(effectiveEnv(), configFile, configFileGiven);
    }

    /** Whether a database is configured or a {@code caracal dev} is running: a command that can work offline goes without one otherwise. */
    public boolean databaseConfigured() {
        return !connectionSettings().embedded();
    }

    /** Kafka as KAFKA_BOOTSTRAP_SERVERS and friends name it, or as a running {@code caracal dev} stack does. */
    public KafkaConnection kafkaConnection() {
        return KafkaConnection.fromEnvironment(effectiveEnv());
    }

    /**
     * The invocation's clock: the application context's (ClockFactory) once a command has started it. Commands that
     * only talk to Kafka start no context and read the same UTC system clock ClockFactory gives.
     */
    public Clock clock() {
        return context != null ? bean(Clock.class) : Clock.systemUTC();
    }

    public <T> T bean(Class<T> type) {
        return context().getBean(type);
    }

    /** The budget engine over this session's database and Redis (started only for commands that need it). */
    public BudgetEngine budgetEngine() {
        return new BudgetEngine(bean(AgentStore.class), bean(PolicyStore.class), bean(PricebookStore.class), bean(HoldStore.class),
                new RedisBudgetCounters(redis().sync()), bean(Clock.class));
    }

    /** Whether REDIS_URL, REDIS_HOST or the config file names a Redis; otherwise {@link #redis()} is a local one, where the distribution has it. */
    public boolean redisConfigured() {
        return redisSettings().isPresent();
    }

    /**
     * The Redis the gateway and the metrics function share, or a local one of this invocation's when none is
     * configured. A refused password or a failed TLS handshake is reported as such, in one line.
     */
    public SharedRedis redis() {
        if (redis == null) {
            redis = SharedRedis.connect(redisSettings().orElseGet(() -> {
                localRedis = localServices.redis();
                return RedisSettings.of("redis://" + localRedis.host() + ":" + localRedis.port(), false);
            }));
        }
        return redis;
    }

    /**
     * The variables the gateway and the consumers read (REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_USERNAME,
     * REDIS_PASSWORD, REDIS_TLS, REDIS_TLS_CA_FILE, REDIS_CLUSTER), each falling back to the config file's
     * {@code redis:} section under its name in lower case ({@code url}, {@code host}, ..., {@code tls-ca-file}).
     */
    private Optional<RedisSettings> redisSettings() {
        Map<String, Object> fromFile = ConfigFile.section(configFile, "redis", configFileGiven);
        Map<String, String> environment = effectiveEnv();
        return RedisSettings.resolve(name -> {
            // Not trimmed: a password is taken as given.
            String value = environment.get("REDIS_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
            return value != null && !value.isBlank() ? value : ConnectionSettings.string(fromFile.get(name));
        });
    }

    /** JSON for {@code -o json}; commands that need no database (offline verification) get it without starting one. */
    public JsonMapper json() {
        if (context != null) {
            return bean(JsonMapper.class);
        }
        if (offlineJson == null) {
            offlineJson = ObjectMapper.create(Map.of(INCLUSION, "always"));
        }
        return offlineJson;
    }

    private ApplicationContext context() {
        if (context == null) {
            ConnectionSettings settings = connectionSettings();
            if (settings.embedded()) {
                settings = startLocalPostgres(settings);
            }
            Map<String, Object> properties = new HashMap<>();
            properties.put("datasources.default.url", settings.jdbcUrl());
            properties.put("datasources.default.username", settings.user());
            properties.put("datasources.default.password", settings.password());
            properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
            properties.put("datasources.default.maximum-pool-size", 2);
            properties.put("datasources.default.connection-timeout", 5000);
            // Connect on first use, so an unreachable database is reported by the command as one clear line.
            properties.put("datasources.default.initialization-fail-timeout", -1);
            // A command is over in seconds and nothing scrapes it: no meter registry, no binders to start.
            properties.put("micronaut.metrics.enabled", false);
            // Scripts reading -o json find every field, null or empty ones included.
            properties.put(INCLUSION, "always");
            // As the metrics function reads them (application-metrics.yml), so a restore keeps the same days.
            putIfSet(properties, "caracal.consumers.metrics-aggregator.day-retention", "SPEND_DAY_RETENTION");
            putIfSet(properties, "caracal.consumers.metrics-aggregator.hour-retention", "SPEND_HOUR_RETENTION");
            context = ApplicationContext.builder()
                    .deduceEnvironment(false)
                    .environments("cli")
                    .banner(false)
                    .properties(properties)
                    .start();
            if (localPostgres != null) {
                // The local database is ours alone: keep its schema current so the first command just works.
                context.getBean(SchemaMigrator.class).migrate();
            }
        }
        return context;
    }

    private void putIfSet(Map<String, Object> properties, String property, String variable) {
        String value = effectiveEnv().get(variable);
        if (value != null && !value.isBlank()) {
            properties.put(property, value);
        }
    }

    private ConnectionSettings startLocalPostgres(ConnectionSettings settings) {
        localPostgres = localServices.postgres(home().resolve("postgres"), settings.database());
        return settings.withHostAndPort(localPostgres.host(), localPostgres.port());
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        if (localRedis != null) {
            localRedis.close();
        }
        if (context != null) {
            context.close();
        }
        if (offlineJson != null) {
            offlineJson.close();
        }
        if (localPostgres != null) {
            localPostgres.close();
        }
    }
}
