package io.caracal.core.health;

import java.util.Optional;

/**
 * One thing a process needs to serve, as its readiness sees it: a probe that throws when the dependency does not
 * answer, and a fallback that says whether the process still serves without it (and how). Without a fallback a
 * failed probe makes the process unhealthy; with one that is serving, degraded.
 *
 * @param name     the key of the check in {@code /ready}'s {@code checks}
 * @param probe    returns when the dependency answers; what it throws says why not
 * @param fallback asked only when the probe failed: a description of how the process serves without the
 *                 dependency, or empty when it cannot
 */
public record DependencyCheck(String name, Probe probe, Fallback fallback) {
    @FunctionalInterface
    public interface Probe {
        void run() throws Exception;
    }

    @FunctionalInterface
    public interface Fallback {
        /** For a dependency the process cannot serve without. */
        Fallback NONE = Optional::empty;

        Optional<String> serving();
    }
}
