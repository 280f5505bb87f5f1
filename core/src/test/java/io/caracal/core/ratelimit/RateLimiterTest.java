package io.caracal.core.ratelimit;

import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.store.SharedRedis;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import io.caracal.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token buckets on the shared embedded Redis. The buckets run on Redis's clock, so refilling is checked in real
 * time, with rates chosen so that what the test asserts holds however slowly a loaded machine runs it.
 */
class RateLimiterTest {
    private static final Map<UUID, RateLimit> LIMITS = new ConcurrentHashMap<>();
    private static final RateLimits TABLE = id -> Optional.ofNullable(LIMITS.get(id));
    private static SharedRedis redis;
    private static RateLimiter limiter;

    @BeforeAll
    static void connect() {
        redis = SharedRedis.connect(SharedServices.redis().uri(), false);
        limiter = new RateLimiter(TABLE, redis.sync());
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    /** An agent with this limit; a rate of one per 1000 s refills nothing while a test runs. */
    private static UUID limited(String rate, int burst) {
        UUID agent = UUID.randomUUID();
        LIMITS.put(agent, new RateLimit(new BigDecimal(rate), burst));
        return agent;
    }

    private static int admitted(UUID agent, int calls) {
        int admitted = 0;
        for (int i = 0; i < calls; i++) {
            admitted += limiter.admit(agent).isEmpty() ? 1 : 0;
        }
        return admitted;
    }

    @Test
    void aBurstPassesThenTheNextCallWaitsForItsToken() {
        UUID agent = limited("1", 3);
        assertEquals(3, admitted(agent, 3));
        Duration wait = limiter.admit(agent).orElseThrow();
        assertTrue(wait.compareTo(Duration.ZERO) > 0 && wait.compareTo(Duration.ofSeconds(1)) <= 0, "one token at 1/s: " + wait);

        UUID slow = limited("0.001", 1);
        assertEquals(1, admitted(slow, 1));
        Duration longWait = limiter.admit(slow).orElseThrow();
        assertTrue(longWait.compareTo(Duration.ofSeconds(990)) > 0 && longWait.compareTo(Duration.ofSeconds(1000)) <= 0, "a token per 1000 s: " + longWait);
    }

    @Test
    void eachAgentHasItsOwnBucketAndAnAgentWithoutALimitNone() {
        UUID first = limited("0.001", 2);
        UUID second = limited("0.001", 2);
        assertEquals(2, admitted(first, 5));
        assertEquals(2, admitted(second, 5), "the first agent's calls took nothing from the second's bucket");

        UUID unlimited = UUID.randomUUID();
        assertEquals(50, admitted(unlimited, 50));
        assertEquals(List.of(), TestRedis.keys(redis.sync(), "cb:r:" + unlimited), "an agent without a limit has no bucket");
    }

    @Test
    void aBucketRefillsAtItsRate() {
        UUID agent = limited("20", 1);
        assertEquals(1, admitted(agent, 2));
        // At 20/s a token is back within 50 ms; the probe runs every 200 ms, so the first probe after it passes.
        assertTrue(Await.until(Duration.ofSeconds(10), () -> limiter.admit(agent).isEmpty(), admitted -> admitted));
    }

    @Test
    void aBucketIsKeptOnlyUntilItWouldBeFullAgain() {
        UUID agent = limited("2", 4);
        assertEquals(1, admitted(agent, 1));
        long ttl = redis.sync().pttl("cb:r:" + agent);
        // One token to refill at 2/s: 500 ms, and a second more.
        assertTrue(ttl > 0 && ttl <= 1_500, "kept " + ttl + " ms");
    }

    @Test
    void aLoweredBurstAppliesAtOnce() {
        UUID agent = limited("0.001", 5);
        assertEquals(1, admitted(agent, 1));
        LIMITS.put(agent, new RateLimit(new BigDecimal("0.001"), 2));
        assertEquals(2, admitted(agent, 5), "4 tokens left, but at most 2 under the new burst");
    }

    @Test
    void replicasRacingForOneBucketTakeExactlyItsTokens() throws Exception {
        UUID agent = limited("0.001", 100);
        List<SharedRedis> replicas = List.of(SharedRedis.connect(SharedServices.redis().uri(), false),
                SharedRedis.connect(SharedServices.redis().uri(), false), SharedRedis.connect(SharedServices.redis().uri(), false));
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Integer>> callers = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                RateLimiter replica = new RateLimiter(TABLE, replicas.get(t % replicas.size()).sync());
                callers.add(() -> {
                    int admitted = 0;
                    for (int i = 0; i < 25; i++) {
                        admitted += replica.admit(agent).isEmpty() ? 1 : 0;
                    }
                    return admitted;
                });
            }
            int admitted = 0;
            for (Future<Integer> result : threads.invokeAll(callers)) {
                admitted += result.get();
            }
            assertEquals(100, admitted, "300 calls from 3 connections at once, 100 tokens");
        } finally {
            threads.shutdownNow();
            replicas.forEach(SharedRedis::close);
        }
    }

    @Test
    void redisUnreachableIsNotAnAnswer() {
        UUID agent = limited("1", 1);
        EmbeddedRedisServer stopped = EmbeddedRedisServer.start();
        try (SharedRedis gone = SharedRedis.connect(stopped.uri(), false)) {
            stopped.close();
            RateLimiter unreachable = new RateLimiter(TABLE, gone.sync());
            StorageUnavailableException e = assertThrows(StorageUnavailableException.class, () -> unreachable.admit(agent));
            assertTrue(e.getMessage().startsWith("rate limiter (Redis) unavailable"), e.getMessage());
            assertEquals(Optional.empty(), unreachable.admit(UUID.randomUUID()), "an agent without a limit needs no Redis");
        }
    }
}
