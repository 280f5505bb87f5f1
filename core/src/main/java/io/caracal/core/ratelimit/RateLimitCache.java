package io.caracal.core.ratelimit;

import io.caracal.core.store.CacheStats;
import io.caracal.core.store.ChangeCache;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.MeasuredCache;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Rate limits from memory (see {@link ChangeCache}). An agent without a limit is cached as such, so an unlimited
 * agent's calls read nothing either: the keys are the ids of agents that authenticated, so they are bounded by
 * the agents table as the cache's other keys are by theirs.
 */
public final class RateLimitCache implements RateLimits, MeasuredCache {
    private final ChangeCache<UUID, Optional<RateLimit>> limits;

    public RateLimitCache(RateLimitStore store, ChangeFeed feed, Duration ttl, Clock clock) {
        this.limits = new ChangeCache<>(feed, Set.of("agent_rate_limits"), ttl, clock, id -> Optional.of(store.limitOf(id)));
    }

    @Override
    public Optional<RateLimit> limitOf(UUID agentId) {
        return limits.find(agentId).orElseThrow();
    }

    @Override
    public Map<String, CacheStats> cacheStats() {
        return Map.of("rate_limits", limits.stats());
    }
}
