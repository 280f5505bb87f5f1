package io.caracal.gateway.auth;

import io.caracal.core.agent.Agent;
import io.caracal.gateway.proxy.ProxyExchange;

import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the agent a request comes from, by whatever credential the gateway's auth mode accepts. Empty means
 * "nobody": no, an invalid or an expired credential, or an unknown or suspended agent; the gateway answers 401.
 */
public interface AgentAuthenticator {
    /** {@code header} reads a request header by (case-insensitive) name. */
    Optional<Agent> authenticate(Function<String, String> header);

    /** Modes that need more than headers (the TLS client certificate, the peer address) override this. */
    default Optional<Agent> authenticate(ProxyExchange.Request request) {
        return authenticate(request::header);
    }
}
