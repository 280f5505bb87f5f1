package io.caracal.core.policy;

/** Why a policy version exists. */
public enum ChangeType {
    CREATED, MODIFIED, DEACTIVATED;

    public String label() {
        return Labels.of(this);
    }

    public static ChangeType parse(String label) {
        return Labels.parse(ChangeType.class, "change type", label);
    }
}
