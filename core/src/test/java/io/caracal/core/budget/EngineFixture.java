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
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.MutableClock;
import io.caracal.testing.TestDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A real engine for tests: its own migrated database on the shared embedded PostgreSQL, the shared embedded
 * Redis, and a clock the test moves. {@link #replica()} gives a second engine on its own connections, as a
 * second gateway replica would have.
 */
public final class EngineFixture implements AutoCloseable {
    public final MutableClock clock;
    public final Database db;
    public final AgentStore agents;
    public final PolicyStore policies;
    public final PricebookStore prices;
    public final HoldStore holds;
    public final RedisClient redisClient;
    public final StatefulRedisConnection<String, String> redis;
    public final BudgetEngine engine;
    private final HikariDataSource dataSource;
    private final String database;

    public EngineFixture(String database, Instant start) {
        this(database, new MutableClock(start));
    }

    private EngineFixture(String database, MutableClock clock) {
        this.database = database;
        this.clock = clock;
        dataSource = TestDatabase.pool(database);
        db = new Database(dataSource);
        agents = new AgentStore(db, clock);
        policies = new PolicyStore(db, clock);
        prices = new PricebookStore(db, clock);
        holds = new HoldStore(db);
        redisClient = io.caracal.core.store.RedisConnections.client(SharedServices.redis().uri());
        redis = redisClient.connect();
        engine = new BudgetEngine(agents, policies, prices, holds, new RedisBudgetCounters(redis), clock);
    }

    /** Another engine over the same database and Redis, with its own pool and connection. */
    public EngineFixture replica() {
        return new EngineFixture(database, clock);
    }

    public Agent agent(String name, UUID parent) {
        return agents.create(new AgentDraft(name + "-" + UUID.randomUUID(), "", "ops@example.com", parent, Map.of()));
    }

    public BudgetPolicy policy(Agent agent, String limit, TimeWindow window, WindowType type, UUID delegatedFrom) {
        return policies.create(agent.id(), new PolicyTerms(usd(limit), window, type, null), delegatedFrom, new PolicyChange("test", "test"));
    }

    public static Money usd(String amount) {
        return new Money(new BigDecimal(amount), new CurrencyCode("USD"));
    }

    public static Money eur(String amount) {
        return new Money(new BigDecimal(amount), new CurrencyCode("EUR"));
    }

    @Override
    public void close() {
        redis.close();
        redisClient.shutdown();
        dataSource.close();
    }
}
