package io.caracal.cli.agent;

import io.caracal.core.agent.Agent;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.Map;
import java.util.Objects;

@Serdeable(naming = SnakeCaseStrategy.class)
public record AgentView(String agentId, String name, String description, String owner, String status, String parentAgentId,
                        Map<String, String> metadata, String createdAt, String updatedAt) {
    static AgentView of(Agent a) {
        return new AgentView(a.id().toString(), a.name(), a.description(), a.owner(), a.status().label(),
                Objects.toString(a.parentId(), null), a.metadata(), a.createdAt().toString(), a.updatedAt().toString());
    }
}
