package io.caracal.gateway.auth;

import io.caracal.core.agent.Agent;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Auth mode {@code both}: a JWT or an API key. A request that presents both must have both valid, for the same
 * agent; one bad credential is never rescued by another good one.
 */
public final class EitherAuthenticator implements AgentAuthenticator {
    private final JwtAuthenticator jwt;
    private final ApiKeyAuthenticator apiKey;

    public EitherAuthenticator(JwtAuthenticator jwt, ApiKeyAuthenticator apiKey) {
        this.jwt = jwt;
        this.apiKey = apiKey;
    }

    @Override
    public Optional<Agent> authenticate(Function<String, String> header) {
        String bearer = ActiveAgents.bearer(header.apply("Authorization"));
        if (bearer != null && header.apply("X-API-Key") != null) {
            // Two credentials: both must hold, for one agent, whatever kinds they are.
            Optional<Agent> byKey = apiKey.authenticate(header);
            Optional<Agent> byBearer = bearer.startsWith("cak_") ? apiKey.authenticate(name -> name.equalsIgnoreCase("X-API-Key") ? null : header.apply(name))
                    : jwt.authenticate(header);
            return byKey.isPresent() && byBearer.isPresent() && byKey.get().id().equals(byBearer.get().id()) ? byKey : Optional.empty();
        }
        boolean jwtPresented = bearer != null && !bearer.startsWith("cak_");
        boolean keyPresented = bearer != null && bearer.startsWith("cak_");
        if (jwtPresented && keyPresented) {
            Optional<Agent> byJwt = jwt.authenticate(header);
            Optional<Agent> byKey = apiKey.authenticate(header);
            return byJwt.isPresent() && byKey.isPresent() && byJwt.get().id().equals(byKey.get().id()) ? byJwt : Optional.empty();
        }
        for (AgentAuthenticator authenticator : List.of(jwt, apiKey)) {
            Optional<Agent> agent = authenticator.authenticate(header);
            if (agent.isPresent()) {
                return agent;
            }
        }
        return Optional.empty();
    }
}
