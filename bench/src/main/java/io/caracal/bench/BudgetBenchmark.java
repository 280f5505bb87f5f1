package io.caracal.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.budget.Buckets;
import io.caracal.core.budget.BudgetCounters;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.store.Database;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Hold + settle through Redis, beside the floor: one plain INCRBY round trip to the same Redis. Also the
 * whole engine (PostgreSQL first, then Redis), to show what durability costs per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BudgetBenchmark {
    private static final CurrencyCode USD = new CurrencyCode("USD");

    private EmbeddedRedisServer redisServer;
    private EmbeddedPostgresServer postgres;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private HikariDataSource dataSource;
    private RedisBudgetCounters counters;
    private BudgetEngine engine;
    private Agent child;
    private List<BudgetCounters.HoldLine> oneBudget;
    private List<BudgetCounters.CloseLine> oneBudgetClose;
    private List<BudgetCounters.HoldLine> threeBudgets;
    private List<BudgetCounters.CloseLine> threeBudgetsClose;
    private final Money estimate = new Money(new BigDecimal("0.010000000"), USD);

    @Setup(Level.Trial)
    public void start() {
        redisServer = EmbeddedRedisServer.start();
        postgres = EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase("bench");
        client = RedisClient.create(redisServer.uri());
        connection = client.connect();
        redis = connection.sync();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl("bench"));
        config.setUsername(EmbeddedPostgresServer.USER);
        config.setMaximumPoolSize(8);
        dataSource = new HikariDataSource(config);
        new SchemaMigrator(dataSource).migrate();
        Clock clock = Clock.systemUTC();
        Database db = new Database(dataSource);
        AgentStore agents = new AgentStore(db, clock);
        PolicyStore policies = new PolicyStore(db, clock);
        counters = new RedisBudgetCounters(redis);
        engine = new BudgetEngine(agents, policies, new PricebookStore(db, clock), new HoldStore(db), counters, clock);

        Agent root = agents.create(new AgentDraft("bench-root", "", "bench", null, Map.of()));
        Agent parent = agents.create(new AgentDraft("bench-parent", "", "bench", root.id(), Map.of()));
        child = agents.create(new AgentDraft("bench-child", "", "bench", parent.id(), Map.of()));
        BudgetPolicy own = policy(policies, child, TimeWindow.DAILY, WindowType.CALENDAR);
        BudgetPolicy parents = policy(policies, parent, TimeWindow.HOURLY, WindowType.ROLLING);
        BudgetPolicy roots = policy(policies, root, TimeWindow.MONTHLY, WindowType.CALENDAR);
        Instant now = Instant.now();
        for (BudgetPolicy p : List.of(own, parents, roots)) {
            counters.load(Buckets.counterKey(root.id(), p), () -> new BudgetCounters.RebuildState(List.of(), List.of(), List.of()));
        }
        UUID tree = root.id();
        oneBudget = List.of(holdLine(tree, own, now));
        oneBudgetClose = List.of(closeLine(tree, own, now));
        threeBudgets = List.of(holdLine(tree, own, now), holdLine(tree, parents, now), holdLine(tree, roots, now));
        threeBudgetsClose = List.of(closeLine(tree, own, now), closeLine(tree, parents, now), closeLine(tree, roots, now));
    }

    private static BudgetPolicy policy(PolicyStore policies, Agent agent, TimeWindow window, WindowType type) {
        // Large enough never to refuse during a run: the benchmark measures the accounting, not denials.
        return policies.create(agent.id(), new PolicyTerms(new Money(new BigDecimal("1000000000"), USD), window, type, null), null,
                new PolicyChange("bench", "bench"));
    }

    private static BudgetCounters.HoldLine holdLine(UUID tree, BudgetPolicy policy, Instant now) {
        return new BudgetCounters.HoldLine(Buckets.counterKey(tree, policy), "1000000000000000000", "10000000",
                Buckets.window(policy, now).stream().map(Buckets.Bucket::id).toList());
    }

    private static BudgetCounters.CloseLine closeLine(UUID tree, BudgetPolicy policy, Instant now) {
        Buckets.Bucket bucket = Buckets.bucketFor(policy, now);
        return new BudgetCounters.CloseLine(Buckets.counterKey(tree, policy), "10000000", bucket.id(), bucket.keep());
    }

    @TearDown(Level.Trial)
    public void stop() {
        connection.close();
        client.shutdown();
        dataSource.close();
        postgres.close();
        redisServer.close();
    }

    /** The floor: one round trip that changes one counter. */
    @Benchmark
    public long redisIncrbyFloor() {
        return redis.incrby("bench:floor", 1);
    }

    @Benchmark
    public BudgetCounters.Outcome holdAndSettleOneBudget() {
        UUID hold = UUID.randomUUID();
        Instant now = Instant.now();
        counters.hold(true, true, hold, now, now.plusSeconds(300), oneBudget);
        return counters.close(true, hold, now, oneBudgetClose);
    }

    /** A delegated agent: its own daily budget, its parent's hourly rolling one and the root's monthly one. */
    @Benchmark
    public BudgetCounters.Outcome holdAndSettleThreeBudgets() {
        UUID hold = UUID.randomUUID();
        Instant now = Instant.now();
        counters.hold(true, true, hold, now, now.plusSeconds(300), threeBudgets);
        return counters.close(true, hold, now, threeBudgetsClose);
    }

    /** The whole engine for the same delegated agent: PostgreSQL writes (hold row, ledger row) plus Redis. */
    @Benchmark
    public Object engineHoldAndSettleThreeBudgets() {
        BudgetEngine.HoldResult hold = engine.hold(child.id(), estimate, Duration.ofMinutes(5));
        return engine.settle(hold.holdId(), estimate);
    }
}
