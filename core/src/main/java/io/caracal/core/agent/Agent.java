package io.caracal.core.agent;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A registered AI agent: who owns it, whether it may spend, and which agent (if any) delegates to it. */
public record Agent(
        UUID id,
        String name,
        String description,
        String owner,
        AgentStatus status,
        UUID parentId,
        Map<String, String> metadata,
        Instant createdAt,
        Instant updatedAt) {

    public Agent {
        metadata = Map.copyOf(metadata);
    }
}
