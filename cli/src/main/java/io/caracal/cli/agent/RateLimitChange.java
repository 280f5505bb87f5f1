package io.caracal.cli.agent;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ratelimit.RateLimit;
import io.caracal.core.ratelimit.RateLimitStore;

import java.util.Optional;
import java.util.UUID;

/**
 * What {@code agent update} does to the agent's rate limit, from {@code --rate-limit}, {@code --rate-burst} and
 * {@code --no-rate-limit}: nothing, set it ({@code limit}), or remove it. Parsed before anything is changed, so
 * bad input changes nothing.
 */
record RateLimitChange(Optional<RateLimit> limit, boolean remove) {
    static final RateLimitChange NONE = new RateLimitChange(Optional.empty(), false);

    /** Refuses options that contradict each other, and a burst without the rate that refills it. */
    static RateLimitChange of(String rate, String burst, boolean remove) {
        if (remove && (rate != null || burst != null)) {
            throw new InvalidInputException("--no-rate-limit removes the agent's rate limit: give it without --rate-limit and --rate-burst");
        }
        if (burst != null && rate == null) {
            throw new InvalidInputException("--rate-burst needs --rate-limit, the rate that refills the burst");
        }
        if (remove) {
            return new RateLimitChange(Optional.empty(), true);
        }
        return rate == null ? NONE : new RateLimitChange(Optional.of(RateLimit.parse(rate, burst)), false);
    }

    boolean isEmpty() {
        return limit.isEmpty() && !remove;
    }

    void applyTo(UUID agentId, RateLimitStore store) {
        if (remove) {
            store.remove(agentId);
        }
        limit.ifPresent(set -> store.set(agentId, set));
    }
}
