package io.caracal.core.policy;

import java.time.Instant;

/** A span of time [start, end): an instant exactly at {@code end} belongs to the next window. */
public record Window(Instant start, Instant end) {
    public Window {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("window must end after it starts: " + start + " .. " + end);
        }
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }
}
