package io.caracal.core.policy;

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

/** Policy scopes from memory (see {@link ChangeCache}); a scope follows the agent tree, so agents changing drops it too. */
public final class ScopeCache implements PolicyScopes, MeasuredCache {
    private final ChangeCache<UUID, PolicyStore.Scope> scopes;

    public ScopeCache(PolicyStore store, ChangeFeed feed, Duration ttl, Clock clock) {
        this.scopes = new ChangeCache<>(feed, Set.of("budget_policies", "agents"), ttl, clock, id -> Optional.of(store.scopeOf(id)));
    }

    @Override
    public PolicyStore.Scope scopeOf(UUID agentId) {
        return scopes.find(agentId).orElseThrow();
    }

    @Override
    public Map<String, CacheStats> cacheStats() {
        return Map.of("policies", scopes.stats());
    }
}
