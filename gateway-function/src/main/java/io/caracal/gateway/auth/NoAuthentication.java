package io.caracal.gateway.auth;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentLookup;

import java.util.Optional;
import java.util.function.Function;

/**
 * Auth mode {@code none}, for local development only: the caller names its agent in {@code X-Caracal-Agent-ID}
 * and is believed. Budgets and allowlists still apply to that agent.
 */
public final class NoAuthentication implements AgentAuthenticator {
    private final AgentLookup agents;

    public NoAuthentication(AgentLookup agents) {
        this.agents = agents;
    }

    @Override
    public Optional<Agent> authenticate(Function<String, String> header) {
        return ActiveAgents.find(agents, header.apply("X-Caracal-Agent-ID"));
    }
}
