package io.caracal.gateway.nonce;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Replay protection shared by every replica: a request must carry {@code X-Caracal-Timestamp} (Unix seconds)
 * within the window (not older than {@code window}, not more than {@code skew} in the future) and an
 * {@code X-Caracal-Nonce} this agent has not used within that time. Nonces live in Redis, scoped to the
 * agent, for as long as their timestamp could still be accepted; both headers are required.
 */
public final class NonceGuard {
    private final RedisClusterCommands<String, String> redis;
    private final Clock clock;
    private final Duration window;
    private final Duration skew;

    public NonceGuard(RedisClusterCommands<String, String> redis, Clock clock, Duration window, Duration skew) {
        this.redis = redis;
        this.clock = clock;
        this.window = window;
        this.skew = skew;
    }

    /** Why the request is a replay or malformed, or empty when it may proceed. Redis errors propagate: fail closed. */
    public Optional<String> check(UUID agentId, String nonce, String timestamp) {
        if (nonce == null || timestamp == null) {
            return Optional.of("X-Caracal-Nonce and X-Caracal-Timestamp are required");
        }
        if (!nonce.matches("[\\x21-\\x7E]{8,128}")) {
            return Optional.of("X-Caracal-Nonce must be 8 to 128 printable characters");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Optional.of("X-Caracal-Timestamp must be Unix seconds");
        }
        Instant now = clock.instant();
        // Compared as whole seconds, so absurd values never reach Instant arithmetic.
        if (seconds < now.getEpochSecond() - window.toSeconds()) {
            return Optional.of("timestamp is older than " + window.toSeconds() + " s");
        }
        if (seconds > now.getEpochSecond() + skew.toSeconds()) {
            return Optional.of("timestamp is more than " + skew.toSeconds() + " s in the future");
        }
        Instant sent = Instant.ofEpochSecond(seconds);
        // Kept until its timestamp falls out of the window, so it can never be accepted twice.
        long keepSeconds = Math.max(1, Duration.between(now, sent.plus(window)).toSeconds() + 1);
        String stored = redis.set("cb:n:" + agentId + ":" + nonce, "1", SetArgs.Builder.nx().ex(keepSeconds));
        return "OK".equals(stored) ? Optional.empty() : Optional.of("nonce already used");
    }
}
