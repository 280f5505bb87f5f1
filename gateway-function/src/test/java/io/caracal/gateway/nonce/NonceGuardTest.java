package io.caracal.gateway.nonce;

import io.caracal.core.store.RedisConnections;
import io.caracal.embedded.SharedServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replay protection against the real, shared Redis: what one replica saw, every replica refuses. */
class NonceGuardTest {
    private static final Instant NOW = Instant.parse("2030-04-01T12:00:00Z");
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> one;
    private static StatefulRedisConnection<String, String> two;

    @BeforeAll
    static void connect() {
        client = RedisConnections.client(SharedServices.redis().uri());
        one = client.connect();
        two = client.connect();
    }

    @AfterAll
    static void disconnect() {
        one.close();
        two.close();
        client.shutdown();
    }

    private static NonceGuard guard(StatefulRedisConnection<String, String> redis, Duration window) {
        return new NonceGuard(redis.sync(), Clock.fixed(NOW, ZoneOffset.UTC), window, Duration.ofSeconds(60));
    }

    private static String ts(long offsetSeconds) {
        return Long.toString(NOW.getEpochSecond() + offsetSeconds);
    }

    private static String nonce() {
        return UUID.randomUUID().toString();
    }

    @Test
    void aNonceIsAcceptedOnceAcrossReplicasAndPerAgent() {
        UUID agent = UUID.randomUUID();
        String nonce = nonce();
        assertEquals(Optional.empty(), guard(one, Duration.ofSeconds(300)).check(agent, nonce, ts(0)));
        assertEquals(Optional.of("nonce already used"), guard(two, Duration.ofSeconds(300)).check(agent, nonce, ts(-5)));
        assertEquals(Optional.empty(), guard(two, Duration.ofSeconds(300)).check(UUID.randomUUID(), nonce, ts(0)), "nonces are scoped to the agent");
        long ttl = one.sync().ttl("cb:n:" + agent + ":" + nonce);
        assertTrue(ttl > 290 && ttl <= 301, "kept while its timestamp can still be accepted: " + ttl);
    }

    @Test
    void timestampsOutsideTheWindowOrSkewAreRefused() {
        NonceGuard guard = guard(one, Duration.ofSeconds(300));
        UUID agent = UUID.randomUUID();
        assertEquals(Optional.of("timestamp is older than 300 s"), guard.check(agent, nonce(), ts(-301)));
        assertEquals(Optional.of("timestamp is more than 60 s in the future"), guard.check(agent, nonce(), ts(61)));
        assertEquals(Optional.empty(), guard.check(agent, nonce(), ts(-120)));
        assertEquals(Optional.empty(), guard.check(agent, nonce(), ts(60)));
        assertEquals(Optional.empty(), guard(one, Duration.ofSeconds(600)).check(agent, nonce(), ts(-480)), "the window is configurable");
    }

    @Test
    void bothHeadersAreRequiredAndWellFormed() {
        NonceGuard guard = guard(one, Duration.ofSeconds(300));
        UUID agent = UUID.randomUUID();
        assertTrue(guard.check(agent, null, ts(0)).orElseThrow().contains("required"));
        assertTrue(guard.check(agent, nonce(), null).orElseThrow().contains("required"));
        assertTrue(guard.check(agent, "short", ts(0)).orElseThrow().contains("8 to 128"));
        assertTrue(guard.check(agent, nonce(), "yesterday").orElseThrow().contains("Unix seconds"));
        assertTrue(guard.check(agent, nonce(), Long.toString(Long.MAX_VALUE)).orElseThrow().contains("future"), "absurd values are refused, not thrown");
        assertTrue(guard.check(agent, nonce(), Long.toString(Long.MIN_VALUE)).orElseThrow().contains("older"));
    }

    @Test
    void aRedisFailurePropagatesSoTheGatewayFailsClosed() {
        StatefulRedisConnection<String, String> closed = client.connect();
        closed.close();
        assertThrows(RuntimeException.class, () -> guard(closed, Duration.ofSeconds(300)).check(UUID.randomUUID(), nonce(), ts(0)));
    }
}
