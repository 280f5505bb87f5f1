package io.caracal.core.budget;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.SharedRedis;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.MutableClock;
import io.caracal.testing.TestDatabase;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * A real engine for tests: its own migrated database on the shared embedded PostgreSQL, the shared embedded
 * Redis (or a Redis Cluster, {@link #onCluster}), and a clock the test moves. {@link #replica()} gives a second
 * engine on its own connections, as a second gateway replica would have.
 */
public final class EngineFixture implements AutoCloseable {
    public final MutableClock clock;
    public final Database db;
    public final AgentStore agents;
    public final PolicyStore policies;
    public final PricebookStore prices;
    public final HoldStore holds;
    public final SharedRedis redis;
    public final BudgetEngine engine;
    private final HikariDataSource dataSource;
    private final String database;
    private final String redisUri;
    private final boolean cluster;

    public EngineFixture(String database, Instant start) {
        this(database, new MutableClock(start), SharedServices.redis().uri(), false);
    }

    /** An engine on the Redis Cluster that {@code seedUri} (any of its nodes) belongs to. */
    public static EngineFixture onCluster(String database, Instant start, String seedUri) {
        return new EngineFixture(database, new MutableClock(start), seedUri, true);
    }

    private EngineFixture(String database, MutableClock clock, String redisUri, boolean cluster) {
        this.database = database;
        this.clock = clock;
        this.redisUri = redisUri;
        this.cluster = cluster;
        dataSource = TestDatabase.pool(database);
        db = new Database(dataSource);
        agents = new AgentStore(db, clock);
        policies = new PolicyStore(db, clock);
        prices = new PricebookStore(db, clock);
        holds = new HoldStore(db);
        redis = SharedRedis.connect(redisUri, cluster);
        engine = new BudgetEngine(agents, policies, prices, holds, new RedisBudgetCounters(redis.sync()), clock);
    }

    /** Another engine over the same database and Redis, with its own pool and connection. */
    public EngineFixture replica() {
        return new EngineFixture(database, clock, redisUri, cluster);
    }

    public Agent agent(String name, UUID parent) {
        return agents.create(new AgentDraft(name + "-" + UUID.randomUUID(), "", "ops@example.com", parent, Map.of()));
    }

    public BudgetPolicy policy(Agent agent, String limit, TimeWindow window, WindowType type, UUID delegatedFrom) {
        return policy(agent, limit, window, type, null, delegatedFrom);
    }

    /** A policy whose calendar windows are those of {@code zone} (null: UTC). */
    public BudgetPolicy policy(Agent agent, String limit, TimeWindow window, WindowType type, java.time.ZoneId zone, UUID delegatedFrom) {
        return policies.create(agent.id(), new PolicyTerms(usd(limit), window, type, zone), delegatedFrom, new PolicyChange("test", "test"));
    }

    public static Money usd(String amount) {
        return new Money(new BigDecimal(amount), new CurrencyCode("USD"));
    }

    public static Money eur(String amount) {
        return new Money(new BigDecimal(amount), new CurrencyCode("EUR"));
    }

    /** Waits for every worker; returns what those that failed threw. */
    public static List<Throwable> failuresOf(List<? extends Future<?>> workers) throws InterruptedException {
        List<Throwable> failures = new ArrayList<>();
        for (Future<?> worker : workers) {
            try {
                worker.get();
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            }
        }
        return failures;
    }

    @Override
    public void close() {
        redis.close();
        dataSource.close();
    }
}
