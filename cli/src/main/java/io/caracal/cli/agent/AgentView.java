package io.caracal.cli.agent;

import io.caracal.core.agent.Agent;
import io.caracal.core.ratelimit.RateLimit;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

@Serdeable(naming = SnakeCaseStrategy.class)
public record AgentView(String agentId, String name, String description, String owner, String status, String parentAgentId,
                        Map<String, String> metadata, RateLimitView rateLimit, String createdAt, String updatedAt) {
    /** Null when the agent has no rate limit. The rate is text, as every decimal in the CLI's JSON, so it stays exact. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record RateLimitView(String requestsPerSecond, int burst) {
    }

    static AgentView of(Agent a, Optional<RateLimit> rateLimit) {
        return new AgentView(a.id().toString(), a.name(), a.description(), a.owner(), a.status().label(),
                Objects.toString(a.parentId(), null), a.metadata(),
                rateLimit.map(limit -> new RateLimitView(limit.requestsPerSecond().stripTrailingZeros().toPlainString(), limit.burst())).orElse(null),
                a.createdAt().toString(), a.updatedAt().toString());
    }
}
