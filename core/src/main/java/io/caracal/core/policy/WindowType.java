package io.caracal.core.policy;

/** Calendar windows restart at a boundary (midnight, Monday, the 1st); rolling windows trail the present. */
public enum WindowType {
    CALENDAR, ROLLING;

    public String label() {
        return Labels.of(this);
    }

    public static WindowType parse(String label) {
        return Labels.parse(WindowType.class, "window type", label);
    }
}
