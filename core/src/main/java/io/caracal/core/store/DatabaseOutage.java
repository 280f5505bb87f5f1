package io.caracal.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When PostgreSQL was last found unreachable, shared by what can do without it for a moment: a gateway's caches
 * (which answer from what they hold) and its group-commit writer (which journals). For {@link #RETRY} after one of
 * them found it unreachable none of them tries it, so a call waits out the pool's connection timeout at most once a
 * second, not once per cache and write.
 */
public final class DatabaseOutage {
    public static final Duration RETRY = Duration.ofSeconds(1);
    private final Clock clock;
    private volatile Instant until = Instant.MIN;

    public DatabaseOutage(Clock clock) {
        this.clock = clock;
    }

    /** PostgreSQL could not be reached just now. */
    public void found() {
        until = clock.instant().plus(RETRY);
    }

    /** Whether it was found unreachable less than {@link #RETRY} ago: then it is not worth trying yet. */
    public boolean recent() {
        return clock.instant().isBefore(until);
    }
}
