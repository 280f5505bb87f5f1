package io.caracal.core.ratelimit;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RateLimitTest {
    @Test
    void parsesARateAndABurstAsTyped() {
        assertEquals(new RateLimit(new BigDecimal("50"), 10), RateLimit.parse("50", "10"));
        assertEquals(new RateLimit(new BigDecimal("0.5"), 1), RateLimit.parse(" 0.5 ", " 1 "));
        assertEquals(new RateLimit(new BigDecimal("100000"), 100_000), RateLimit.parse("100000", "100000"));
        assertEquals(new RateLimit(new BigDecimal("0.001"), 3), RateLimit.parse(".001", "+3"));
    }

    @Test
    void withoutABurstOneSecondsWorthAndAtLeastOne() {
        assertEquals(50, RateLimit.parse("50", null).burst());
        assertEquals(3, RateLimit.parse("2.5", null).burst());
        assertEquals(1, RateLimit.parse("0.2", null).burst());
    }

    @Test
    void theRateIsKeptAtTheColumnsScale() {
        RateLimit limit = new RateLimit(new BigDecimal("2.50000"), 4);
        assertEquals(new BigDecimal("2.500"), limit.requestsPerSecond());
        assertEquals(limit, new RateLimit(new BigDecimal("2.5"), 4), "equal however many zeros it was written with");
        assertEquals("2.5 requests/s, burst 4", limit.describe());
        assertEquals("50 requests/s, burst 10", RateLimit.parse("50.000", "10").describe());
    }

    @Test
    void aRateMustBeAPositiveFiniteDecimalWithinTheMaximum() {
        invalid(() -> RateLimit.parse("0", "1"), "rate limit must be greater than zero requests per second, got 0");
        invalid(() -> RateLimit.parse("0.000", "1"), "greater than zero");
        invalid(() -> RateLimit.parse("-5", "1"), "greater than zero requests per second, got -5");
        invalid(() -> RateLimit.parse("ten", "1"), "rate limit must be a decimal number of requests per second, got 'ten'");
        invalid(() -> RateLimit.parse("1e3", "1"), "must be a decimal number");
        invalid(() -> RateLimit.parse("NaN", "1"), "must be a decimal number");
        invalid(() -> RateLimit.parse("Infinity", "1"), "must be a decimal number");
        invalid(() -> RateLimit.parse("", "1"), "rate limit is required");
        invalid(() -> RateLimit.parse(null, "1"), "rate limit is required");
        invalid(() -> RateLimit.parse("0.0001", "1"), "rate limit 0.0001 has more than 3 decimal places");
        invalid(() -> RateLimit.parse("100000.001", "1"), "above the maximum of 100000 requests per second");
        invalid(() -> RateLimit.parse("1" + "0".repeat(40), null), "above the maximum");
    }

    @Test
    void aBurstMustBeAWholeNumberWithinItsBounds() {
        invalid(() -> RateLimit.parse("50", "0"), "burst must be between 1 and 100000 requests, got 0");
        invalid(() -> RateLimit.parse("50", "-1"), "burst must be between 1 and 100000 requests, got -1");
        invalid(() -> RateLimit.parse("50", "100001"), "got 100001");
        invalid(() -> RateLimit.parse("50", "9".repeat(30)), "burst must be between 1 and 100000 requests, got " + "9".repeat(30));
        invalid(() -> RateLimit.parse("50", "2.5"), "burst must be a whole number of requests, got '2.5'");
        invalid(() -> RateLimit.parse("50", "ten"), "burst must be a whole number of requests, got 'ten'");
        invalid(() -> RateLimit.parse("50", " "), "burst is required");
        invalid(() -> new RateLimit(BigDecimal.ONE, 0), "burst must be between 1 and 100000");
        invalid(() -> new RateLimit(null, 1), "rate limit is required");
    }
}
