package io.caracal.core.agent;

/** Only an active agent may spend; a suspended one is refused at the gateway but keeps its history. */
public enum AgentStatus {
    ACTIVE, SUSPENDED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AgentStatus fromLabel(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
}
