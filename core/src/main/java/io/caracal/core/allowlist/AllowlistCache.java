package io.caracal.core.allowlist;

import io.caracal.core.store.ChangeCache;
import io.caracal.core.store.ChangeFeed;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Allowlists from memory (see {@link ChangeCache}). */
public final class AllowlistCache implements Allowlists {
    private final ChangeCache<UUID, Allowlist> allowlists;

    public AllowlistCache(AllowlistStore store, ChangeFeed feed, Duration ttl, Clock clock) {
        this.allowlists = new ChangeCache<>(feed, Set.of("resource_allowlists", "agents"), ttl, clock, id -> Optional.of(store.allowlistOf(id)));
    }

    @Override
    public Allowlist allowlistOf(UUID agentId) {
        return allowlists.find(agentId).orElseThrow();
    }
}
