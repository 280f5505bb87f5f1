package io.caracal.gateway.auth;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.store.AgentStore;
import io.caracal.core.store.ApiKeyStore;

import java.util.Optional;
import java.util.function.Function;

/**
 * API-key authentication: the key comes in {@code X-API-Key} or as {@code Authorization: Bearer cak_...}.
 * An unknown, revoked or mismatched key, and a key of a suspended agent, all authenticate nobody.
 */
public final class ApiKeyAuthenticator {
    private final ApiKeyStore keys;
    private final AgentStore agents;

    public ApiKeyAuthenticator(ApiKeyStore keys, AgentStore agents) {
        this.keys = keys;
        this.agents = agents;
    }

    /** {@code header} reads a request header by (case-insensitive) name. */
    public Optional<Agent> authenticate(Function<String, String> header) {
        String presented = header.apply("X-API-Key");
        if (presented == null) {
            String authorization = header.apply("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = authorization.substring(7).trim();
            }
        }
        if (presented == null) {
            return Optional.empty();
        }
        return keys.authenticate(presented.trim()).map(agents::get).filter(a -> a.status() == AgentStatus.ACTIVE);
    }
}
