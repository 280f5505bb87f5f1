package io.caracal.gateway.auth;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.agent.AgentLookup;

import java.util.Optional;
import java.util.UUID;

/** The one rule every auth mode ends with: the credential must name an agent that exists and is active. */
final class ActiveAgents {
    private ActiveAgents() {
    }

    static Optional<Agent> find(AgentLookup agents, String id) {
        if (id == null) {
            return Optional.empty();
        }
        try {
            Agent agent = agents.get(UUID.fromString(id.trim()));
            return agent.status() == AgentStatus.ACTIVE ? Optional.of(agent) : Optional.empty();
        } catch (IllegalArgumentException | NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The token after "Bearer ", or null. */
    static String bearer(String authorization) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }
}
