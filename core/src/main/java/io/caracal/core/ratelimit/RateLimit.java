package io.caracal.core.ratelimit;

import io.caracal.core.error.InvalidInputException;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How fast an agent may call through the gateway: a token bucket holding up to {@code burst} requests, refilled
 * at {@code requestsPerSecond}. An agent that was idle may send {@code burst} requests at once; one that keeps
 * sending gets {@code requestsPerSecond} on average. The rate is kept at a fixed scale of {@value #SCALE}
 * fractional digits, the column's, so a limit read back equals the limit written.
 */
public record RateLimit(BigDecimal requestsPerSecond, int burst) {
    public static final int SCALE = 3;
    public static final BigDecimal MAX_RATE = new BigDecimal("100000");
    public static final int MAX_BURST = 100_000;

    public RateLimit {
        if (requestsPerSecond == null) {
            throw new InvalidInputException("rate limit is required");
        }
        if (requestsPerSecond.signum() <= 0) {
            throw new InvalidInputException("rate limit must be greater than zero requests per second, got " + requestsPerSecond.toPlainString());
        }
        if (requestsPerSecond.stripTrailingZeros().scale() > SCALE) {
            throw new InvalidInputException("rate limit " + requestsPerSecond.toPlainString() + " has more than " + SCALE + " decimal places");
        }
        if (requestsPerSecond.compareTo(MAX_RATE) > 0) {
            throw new InvalidInputException("rate limit " + requestsPerSecond.toPlainString() + " is above the maximum of "
                    + MAX_RATE.toPlainString() + " requests per second");
        }
        if (burst < 1 || burst > MAX_BURST) {
            throw new InvalidInputException("burst must be between 1 and " + MAX_BURST + " requests, got " + burst);
        }
        requestsPerSecond = requestsPerSecond.setScale(SCALE, RoundingMode.UNNECESSARY);
    }

    /**
     * A limit as a person types it: the rate a plain decimal ("50", "0.5"; not "1e3"), the burst a whole number.
     * Without a burst ({@code burstText} null), one second's worth of requests, and at least one.
     */
    public static RateLimit parse(String rateText, String burstText) {
        BigDecimal rate = number("rate limit", rateText, "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)", "a decimal number of requests per second");
        if (burstText == null) {
            return new RateLimit(rate, rate.setScale(0, RoundingMode.CEILING).max(BigDecimal.ONE).min(BigDecimal.valueOf(MAX_BURST)).intValueExact());
        }
        BigDecimal burst = number("burst", burstText, "[+-]?\\d+", "a whole number of requests");
        // Compared before narrowing, so a burst too large for an int is refused with the same message as any other.
        if (burst.compareTo(BigDecimal.ONE) < 0 || burst.compareTo(BigDecimal.valueOf(MAX_BURST)) > 0) {
            throw new InvalidInputException("burst must be between 1 and " + MAX_BURST + " requests, got " + burst.toPlainString());
        }
        return new RateLimit(rate, burst.intValueExact());
    }

    private static BigDecimal number(String what, String text, String pattern, String kind) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(what + " is required");
        }
        if (!text.trim().matches(pattern)) {
            throw new InvalidInputException(what + " must be " + kind + ", got '" + text + "'");
        }
        return new BigDecimal(text.trim());
    }

    /** As the CLI prints it: "50 requests/s, burst 10". */
    public String describe() {
        return requestsPerSecond.stripTrailingZeros().toPlainString() + " requests/s, burst " + burst;
    }
}
