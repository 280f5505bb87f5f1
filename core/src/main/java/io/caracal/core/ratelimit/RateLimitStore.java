package io.caracal.core.ratelimit;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentEvents;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.LifecycleEvent;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.event.OutboxStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Agents' rate limits in PostgreSQL, one row per limited agent. A change is an administrative change to the
 * agent, so it is published (and audited) as the agent's {@code updated} lifecycle event, in the same transaction.
 */
public final class RateLimitStore implements RateLimits {
    /** The lifecycle event's detail naming the agent's limit after the change. */
    public static final String DETAIL = "rate_limit";

    private final Database db;
    private final Clock clock;

    public RateLimitStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Sets (or replaces) the agent's limit. */
    public RateLimit set(UUID agentId, RateLimit limit) {
        return db.transaction(c -> {
            Agent agent = agent(c, agentId);
            Instant now = Rows.now(clock);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent_rate_limits (agent_id, requests_per_second, burst, updated_at)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET requests_per_second = EXCLUDED.requests_per_second,"
                    + " burst = EXCLUDED.burst, updated_at = EXCLUDED.updated_at")) {
                ps.setObject(1, agentId);
                ps.setBigDecimal(2, limit.requestsPerSecond());
                ps.setInt(3, limit.burst());
                Rows.setInstant(ps, 4, now);
                ps.executeUpdate();
            }
            OutboxStore.insert(c, AgentEvents.lifecycle(agent, LifecycleEvent.UPDATED, null, Map.of(DETAIL, limit.describe()), now));
            return limit;
        });
    }

    /** Removes the agent's limit; false (and no event) when it had none. */
    public boolean remove(UUID agentId) {
        return db.transaction(c -> {
            Agent agent = agent(c, agentId);
            int removed;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM agent_rate_limits WHERE agent_id = ?")) {
                ps.setObject(1, agentId);
                removed = ps.executeUpdate();
            }
            if (removed > 0) {
                OutboxStore.insert(c, AgentEvents.lifecycle(agent, LifecycleEvent.UPDATED, null, Map.of(DETAIL, "none"), Rows.now(clock)));
            }
            return removed > 0;
        });
    }

    @Override
    public Optional<RateLimit> limitOf(UUID agentId) {
        return db.statement(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, requests_per_second, burst FROM agent_rate_limits WHERE agent_id = ?")) {
                ps.setObject(1, agentId);
                return read(ps).values().stream().findFirst();
            }
        });
    }

    /** Every limited agent's limit, for listing agents. */
    public Map<UUID, RateLimit> all() {
        return db.statement(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, requests_per_second, burst FROM agent_rate_limits")) {
                return read(ps);
            }
        });
    }

    private static Agent agent(Connection c, UUID agentId) throws SQLException {
        return AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
    }

    private static Map<UUID, RateLimit> read(PreparedStatement ps) throws SQLException {
        Map<UUID, RateLimit> limits = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                limits.put(Rows.uuid(rs, "agent_id"), new RateLimit(rs.getBigDecimal("requests_per_second"), rs.getInt("burst")));
            }
        }
        return limits;
    }
}
