package io.caracal.core.agent;

import java.util.UUID;

/** Finds an agent by id: the store, or the gateway's cache of it. */
public interface AgentLookup {
    /** Throws NotFoundException when there is no such agent. */
    Agent get(UUID id);
}
