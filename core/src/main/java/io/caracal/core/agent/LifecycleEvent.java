package io.caracal.core.agent;

import java.util.Locale;

/** The administrative changes to an agent that are published on the agent-lifecycle topic and kept in the audit log. */
public enum LifecycleEvent {
    CREATED, UPDATED, SUSPENDED, ACTIVATED, KEY_CREATED, KEY_REVOKED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The event a status change is reported as. */
    public static LifecycleEvent of(AgentStatus status) {
        return status == AgentStatus.ACTIVE ? ACTIVATED : SUSPENDED;
    }
}
