package io.caracal.gateway.capacity;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most {@code max} calls forwarded by this replica at once (MAX_INFLIGHT_UPSTREAM), so slow upstreams cannot
 * gather an unbounded number of open calls, and with them holds and buffers, here. A call that finds no permit
 * free is refused at once rather than queued: a queue would only move the wait from the upstream to the gateway.
 */
public final class UpstreamPermits {
    private final int max;
    private final Semaphore free;

    public UpstreamPermits(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("MAX_INFLIGHT_UPSTREAM must be at least 1, got " + max);
        }
        this.max = max;
        this.free = new Semaphore(max);
    }

    /** A permit, or empty when {@code max} calls are in flight already. */
    public Optional<Permit> tryAcquire() {
        return free.tryAcquire() ? Optional.of(new Permit()) : Optional.empty();
    }

    public int inFlight() {
        return max - free.availablePermits();
    }

    /** One call's permit. Released once, however many of a call's ways out close it. */
    public final class Permit implements AutoCloseable {
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit() {
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                free.release();
            }
        }
    }
}
