package io.caracal.core.allowlist;

import java.util.UUID;

/** An agent's active allowlist: the store, or the gateway's cache of it. */
public interface Allowlists {
    /** Throws NotFoundException when there is no such agent. */
    Allowlist allowlistOf(UUID agentId);
}
