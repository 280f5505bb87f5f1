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
import io.caracal.core.store.Database;
import io.caracal.core.store.SchemaMigrator;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * What one CLI invocation shares between its commands: the environment, the output streams and, made only when a
 * command first needs them, the database's connection pool, the stores over it and, for the few beans that are more
 * than a store (settings read from configuration), the application context. {@code --help} and usage errors never
 * touch the database, and a command that uses stores alone starts no context (issue 17: its start was most of a
 * command's time).
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
    private ConnectionSettings database;
    private HikariDataSource dataSource;
    private final Map<Class<?>, Object> stores = new HashMap<>();
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
     * The invocation's clock: the application context's (ClockFactory) once a command has started it; until then the
     * same UTC system clock ClockFactory gives.
     */
    public Clock clock() {
        return context != null ? context.getBean(Clock.class) : Clock.systemUTC();
    }

    /** A store (made here, over this session's pool), the clock, or another bean of the application context. */
    public <T> T bean(Class<T> type) {
        if (type == Clock.class) {
            return type.cast(clock());
        }
        Object store = stores.get(type);
        if (store == null) {
            store = store(type);
            if (store == null) {
                return context().getBean(type);
            }
            stores.put(type, store);
        }
        return type.cast(store);
    }

    /**
     * {@code type} made over this session's database as core's StoreFactory makes it, without the application context:
     * a store's constructor takes the Database (and the clock), and the Database and the SchemaMigrator take the data
     * source. Null for any other type.
     */
    private Object store(Class<?> type) {
        for (Constructor<?> constructor : type.getConstructors()) {
            List<Class<?>> parameters = List.of(constructor.getParameterTypes());
            if (parameters.equals(List.of(Database.class, Clock.class))) {
                return create(constructor, bean(Database.class), clock());
            }
            if (parameters.equals(List.of(Database.class))) {
                return create(constructor, bean(Database.class));
            }
            if (parameters.equals(List.of(DataSource.class))) {
                return create(constructor, dataSource());
            }
        }
        return null;
    }

    private static Object create(Constructor<?> constructor, Object... arguments) {
        try {
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + constructor.getDeclaringClass().getName(), e);
        }
    }

    /**
     * The pool the stores and the application context share: two connections, made on first use, so an unreachable
     * database is reported by the command as one clear line.
     */
    private DataSource dataSource() {
        if (dataSource == null) {
            ConnectionSettings settings = database();
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(settings.jdbcUrl());
            config.setUsername(settings.user());
            config.setPassword(settings.password());
            config.setDriverClassName("org.postgresql.Driver");
            config.setMaximumPoolSize(2);
            config.setConnectionTimeout(5000);
            config.setInitializationFailTimeout(-1);
            dataSource = new HikariDataSource(config);
        }
        return dataSource;
    }

    /** Where the database is: the configured one, or the local one, started now (where the distribution has one). */
    private ConnectionSettings database() {
        if (database == null) {
            ConnectionSettings settings = connectionSettings();
            if (!settings.embedded()) {
                database = settings;
            } else {
                database = startLocalPostgres(settings);
                // The local database is ours alone: keep its schema current so the first command just works.
                bean(SchemaMigrator.class).migrate();
            }
        }
        return database;
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
            Map<String, Object> properties = new HashMap<>();
            // A command is over in seconds and nothing scrapes it: no meter registry, no binders to start.
            properties.put("micronaut.metrics.enabled", false);
            // Scripts reading -o json find every field, null or empty ones included.
            properties.put(INCLUSION, "always");
            // As the metrics function reads them (application-metrics.yml), so a restore keeps the same days.
            putIfSet(properties, "caracal.consumers.metrics-aggregator.day-retention", "SPEND_DAY_RETENTION");
            putIfSet(properties, "caracal.consumers.metrics-aggregator.hour-retention", "SPEND_HOUR_RETENTION");
            ApplicationContext created = ApplicationContext.builder()
                    .deduceEnvironment(false)
                    .environments("cli")
                    .banner(false)
                    .properties(properties)
                    .build();
            created.registerSingleton(DataSource.class, dataSource());
            context = created.start();
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
        if (dataSource != null) {
            dataSource.close();
        }
        if (offlineJson != null) {
            offlineJson.close();
        }
        if (localPostgres != null) {
            localPostgres.close();
        }
    }
}
