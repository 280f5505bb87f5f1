package io.caracal.core.policy;

import io.caracal.core.store.ChangeCache;
import io.caracal.core.store.ChangeFeed;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Policy scopes from memory (see {@link ChangeCache}); a scope follows the agent tree, so agents changing drops it too. */
public final class ScopeCache implements PolicyScopes {
    private final ChangeCache<UUID, PolicyStore.Scope> scopes;

    public ScopeCache(PolicyStore store, ChangeFeed feed, Duration ttl, Clock clock) {
        this.scopes = new ChangeCache<>(feed, Set.of("budget_policies", "agents"), ttl, clock, id -> Optional.of(store.scopeOf(id)));
    }

    @Override
    public PolicyStore.Scope scopeOf(UUID agentId) {
        return scopes.find(agentId).orElseThrow();
    }
}
