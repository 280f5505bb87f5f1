package io.caracal.core.policy;

/** The length of a budget window. */
public enum TimeWindow {
    HOURLY, DAILY, WEEKLY, MONTHLY;

    public String label() {
        return Labels.of(this);
    }

    public static TimeWindow parse(String label) {
        return Labels.parse(TimeWindow.class, "time window", label);
    }
}
