package io.caracal.gateway.auth;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDirectory;

import java.util.Optional;
import java.util.function.Function;

/**
 * API-key authentication: the key comes in {@code X-API-Key} or as {@code Authorization: Bearer cak_...}. It
 * is found by its prefix and compared in constant time with the stored hash (see AgentDirectory).
 */
public final class ApiKeyAuthenticator implements AgentAuthenticator {
    private final AgentDirectory agents;

    public ApiKeyAuthenticator(AgentDirectory agents) {
        this.agents = agents;
    }

    @Override
    public Optional<Agent> authenticate(Function<String, String> header) {
        String presented = header.apply("X-API-Key");
        if (presented == null) {
            presented = ActiveAgents.bearer(header.apply("Authorization"));
        }
        if (presented == null) {
            return Optional.empty();
        }
        return agents.authenticate(presented.trim()).filter(agent -> agent.status() == io.caracal.core.agent.AgentStatus.ACTIVE);
    }
}
