package io.caracal.core.agent;

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
 * Agents and their API keys as the request path reads them, from memory (see {@link ChangeCache}). Keys are kept
 * by their prefix with the stored hash, never by the secret, and a presented key is still compared in constant
 * time with that hash.
 */
public final class AgentDirectory implements AgentLookup, MeasuredCache {
    private final ChangeCache<UUID, Agent> agents;
    private final ChangeCache<String, ApiKeyStore.ActiveKey> keys;

    public AgentDirectory(AgentStore agentStore, ApiKeyStore keyStore, ChangeFeed feed, Duration ttl, Clock clock) {
        this.agents = new ChangeCache<>(feed, Set.of("agents"), ttl, clock, id -> Optional.of(agentStore.get(id)));
        this.keys = new ChangeCache<>(feed, Set.of("agent_api_keys"), ttl, clock, keyStore::activeKey);
    }

    @Override
    public Agent get(UUID id) {
        return agents.find(id).orElseThrow();
    }

    /** The agent a presented key belongs to, if the key is ours, not revoked, and matches. */
    public Optional<Agent> authenticate(String presented) {
        return ApiKeys.prefixOf(presented).flatMap(keys::find)
                .filter(key -> ApiKeys.matches(presented, key.secretHash()))
                .map(key -> get(key.agentId()));
    }

    @Override
    public Map<String, CacheStats> cacheStats() {
        return Map.of("agents", agents.stats(), "api_keys", keys.stats());
    }
}
