package io.caracal.core.ratelimit;

import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.store.RedisScript;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Enforces agents' rate limits with one token bucket per limited agent in Redis ({@code cb:r:<agent>}), so every
 * replica takes from the same bucket and an agent's rate does not grow with the replica count. One script call
 * per call of a limited agent; an agent without a limit costs a lookup in {@link RateLimits} and nothing in Redis.
 * The bucket's clock is Redis's (see take.lua), not the process's: replicas whose clocks disagree would each
 * refill the bucket by their own idea of the time.
 */
public final class RateLimiter {
    private static final String PREFIX = "cb:r:";
    private static final RedisScript TAKE = RedisScript.of("/ratelimit/take.lua");

    private final RateLimits limits;
    private final RedisClusterCommands<String, String> redis;

    public RateLimiter(RateLimits limits, RedisClusterCommands<String, String> redis) {
        this.limits = limits;
        this.redis = redis;
    }

    /**
     * Empty when the agent may make a call now (it has no limit, or its bucket had a token, which is now taken);
     * otherwise how long until its bucket holds a token again. Throws StorageUnavailableException when Redis
     * cannot be reached: whether the agent is over its limit is then unknown.
     */
    public Optional<Duration> admit(UUID agentId) {
        Optional<RateLimit> limit = limits.limitOf(agentId);
        if (limit.isEmpty()) {
            return Optional.empty();
        }
        List<Long> reply;
        try {
            reply = TAKE.run(redis, ScriptOutputType.MULTI, new String[] {PREFIX + agentId},
                    new String[] {limit.get().requestsPerSecond().toPlainString(), Integer.toString(limit.get().burst())});
        } catch (RedisException e) {
            throw new StorageUnavailableException("rate limiter (Redis) unavailable: " + e.getMessage(), e);
        }
        return reply.get(0) == 1 ? Optional.empty() : Optional.of(Duration.ofNanos(reply.get(1) * 1_000));
    }
}
