package io.caracal.core.ratelimit;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.store.Database;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.caracal.core.error.Rejections.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** agent_rate_limits on real PostgreSQL: one limit per agent, replaced and removed; no row is no limit. */
class RateLimitStoreTest {
    private static HikariDataSource pool;
    private static AgentStore agents;
    private static RateLimitStore store;

    @BeforeAll
    static void setUp() {
        pool = TestDatabase.pool("rate_limits_" + Long.toHexString(System.nanoTime()));
        Database db = new Database(pool);
        agents = new AgentStore(db, Clock.systemUTC());
        store = new RateLimitStore(db, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    private static Agent agent() {
        return agents.create(new AgentDraft("limited-" + UUID.randomUUID(), "", "ops@example.com", null, Map.of()));
    }

    @Test
    void aLimitIsSetReplacedAndRemoved() {
        Agent agent = agent();
        Agent other = agent();
        assertEquals(Optional.empty(), store.limitOf(agent.id()), "no row: no limit");

        RateLimit fifty = new RateLimit(new BigDecimal("50"), 10);
        assertEquals(fifty, store.set(agent.id(), fifty));
        assertEquals(Optional.of(fifty), store.limitOf(agent.id()));
        RateLimit slower = new RateLimit(new BigDecimal("0.5"), 2);
        store.set(agent.id(), slower);
        store.set(other.id(), fifty);
        assertEquals(Optional.of(slower), store.limitOf(agent.id()), "replaced, read back exactly");
        assertEquals(slower, store.all().get(agent.id()));
        assertEquals(fifty, store.all().get(other.id()));

        assertTrue(store.remove(agent.id()));
        assertEquals(Optional.empty(), store.limitOf(agent.id()));
        assertEquals(Optional.of(fifty), store.limitOf(other.id()), "the other agent's limit stays");
    }

    @Test
    void anUnknownAgentHasNoLimitAndGetsNone() {
        UUID unknown = UUID.randomUUID();
        assertEquals(Optional.empty(), store.limitOf(unknown));
        rejected(NotFoundException.class, () -> store.set(unknown, new RateLimit(BigDecimal.ONE, 1)), "agent not found: " + unknown);
        rejected(NotFoundException.class, () -> store.remove(unknown), "agent not found: " + unknown);
    }

    @Test
    void theTableRefusesWhatRateLimitRefuses() {
        Agent agent = agent();
        for (String values : new String[] {"0, 1", "-1, 1", "100000.001, 1", "1, 0", "1, 100001"}) {
            assertThrows(SQLException.class, () -> TestDatabase.execute(pool, "INSERT INTO agent_rate_limits VALUES ('" + agent.id() + "', "
                    + values + ", now())"), values);
        }
        assertEquals(Optional.empty(), store.limitOf(agent.id()));
    }
}
