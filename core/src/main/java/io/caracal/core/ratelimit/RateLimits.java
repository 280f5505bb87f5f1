package io.caracal.core.ratelimit;

import java.util.Optional;
import java.util.UUID;

/** Agents' rate limits: the store, or the gateway's cache of it. */
public interface RateLimits {
    /** Empty when the agent has no limit (or does not exist). */
    Optional<RateLimit> limitOf(UUID agentId);
}
