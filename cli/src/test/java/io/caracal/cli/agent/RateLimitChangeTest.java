package io.caracal.cli.agent;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ratelimit.RateLimit;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** agent update's rate-limit options, parsed as the command parses them, without a database. */
class RateLimitChangeTest {
    private static String refused(String rate, String burst, boolean remove) {
        return assertThrows(InvalidInputException.class, () -> RateLimitChange.of(rate, burst, remove)).getMessage();
    }

    @Test
    void noOptionChangesNothing() {
        assertTrue(RateLimitChange.of(null, null, false).isEmpty());
    }

    @Test
    void aRateWithOrWithoutABurstSetsTheLimit() {
        RateLimitChange set = RateLimitChange.of("50", "10", false);
        assertFalse(set.isEmpty());
        assertFalse(set.remove());
        assertEquals(Optional.of(new RateLimit(new BigDecimal("50"), 10)), set.limit());
        assertEquals(Optional.of(new RateLimit(new BigDecimal("50"), 50)), RateLimitChange.of("50", null, false).limit(), "a second's worth");
    }

    @Test
    void noRateLimitRemovesIt() {
        RateLimitChange remove = RateLimitChange.of(null, null, true);
        assertTrue(remove.remove());
        assertFalse(remove.isEmpty());
        assertEquals(Optional.empty(), remove.limit());
    }

    @Test
    void contradictingOrIncompleteOptionsAreRefused() {
        assertTrue(refused(null, "10", false).contains("--rate-burst needs --rate-limit"));
        assertTrue(refused("50", null, true).contains("--no-rate-limit removes the agent's rate limit"));
        assertTrue(refused(null, "10", true).contains("--no-rate-limit"));
    }

    @Test
    void badNumbersAreRefusedWithRateLimitsOwnMessages() {
        assertEquals("rate limit must be greater than zero requests per second, got 0", refused("0", null, false));
        assertEquals("rate limit must be greater than zero requests per second, got -3", refused("-3", "1", false));
        assertEquals("rate limit must be a decimal number of requests per second, got 'fast'", refused("fast", null, false));
        assertEquals("rate limit 1000000 is above the maximum of 100000 requests per second", refused("1000000", null, false));
        assertEquals("burst must be between 1 and 100000 requests, got 0", refused("50", "0", false));
        assertEquals("burst must be a whole number of requests, got 'ten'", refused("50", "ten", false));
    }
}
