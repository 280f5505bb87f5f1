package io.caracal.core.health;

import java.util.Locale;

/**
 * The status words of the Craton deployment guide, for one dependency and for a whole process. Ordered from best to
 * worst: a process is as healthy as its worst dependency.
 */
public enum HealthStatus {
    /** Everything it needs answers. */
    OK,
    /** Something it needs is down, and it still serves, within bounds (degraded mode): it stays in the load balancer. */
    DEGRADED,
    /** It cannot serve: take it out of the load balancer. */
    UNHEALTHY;

    public HealthStatus worse(HealthStatus other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** As the JSON says it: {@code ok}, {@code degraded}, {@code unhealthy}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
