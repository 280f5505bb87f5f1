package io.caracal.core.allowlist;

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

/** Allowlists from memory (see {@link ChangeCache}). */
public final class AllowlistCache implements Allowlists, MeasuredCache {
    private final ChangeCache<UUID, Allowlist> allowlists;

    public AllowlistCache(AllowlistStore store, ChangeFeed feed, Duration ttl, Clock clock) {
        this.allowlists = new ChangeCache<>(feed, Set.of("resource_allowlists", "agents"), ttl, clock, id -> Optional.of(store.allowlistOf(id)));
    }

    @Override
    public Allowlist allowlistOf(UUID agentId) {
        return allowlists.find(agentId).orElseThrow();
    }

    @Override
    public Map<String, CacheStats> cacheStats() {
        return Map.of("allowlists", allowlists.stats());
    }
}
