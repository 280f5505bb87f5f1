package io.caracal.core.policy;

import java.util.UUID;

/** The active policies that bound an agent's spend: the store, or the gateway's cache of it. */
public interface PolicyScopes {
    PolicyStore.Scope scopeOf(UUID agentId);
}
