package io.caracal.core.agent;

import java.time.Instant;
import java.util.UUID;

/** A stored API key as operators see it: never the secret, only its public prefix and state. */
public record ApiKey(UUID id, UUID agentId, String prefix, String name, Instant createdAt, Instant revokedAt) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
