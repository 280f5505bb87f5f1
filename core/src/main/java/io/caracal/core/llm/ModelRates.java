package io.caracal.core.llm;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One model's prices in force at an instant: per 1,000,000 tokens of each class, plus a fee per call. Amounts are
 * summed exactly and rounded up once, to {@link Money#SCALE}, so no charge is ever below the true price.
 */
public record ModelRates(String model, CurrencyCode currency, Map<TokenClass, BigDecimal> perMillion, BigDecimal perRequest,
                         Instant version) {
    private static final int PER_MILLION = 6;

    public ModelRates {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(version, "version");
        EnumMap<TokenClass, BigDecimal> rates = new EnumMap<>(TokenClass.class);
        for (TokenClass c : TokenClass.values()) {
            rates.put(c, nonNegative(c.key(), perMillion.get(c)));
        }
        perMillion = Collections.unmodifiableMap(rates);
        perRequest = nonNegative("request", perRequest);
    }

    private static BigDecimal nonNegative(String what, BigDecimal price) {
        if (price == null || price.signum() < 0) {
            throw new IllegalArgumentException("the " + what + " price must be zero or more, got " + price);
        }
        return price;
    }

    /**
     * "&lt;model&gt;@&lt;version ISO-8601&gt;": with back-dating refused by the pricebook, the prices in force at
     * {@code version} are exactly the prices used, so any charge can be recomputed from this string. The version is
     * the newest effective time among the entries used.
     */
    public String priceVersion() {
        return model + "@" + version;
    }

    /** Exact: sum(tokens_c * perMillion_c) / 1e6 + perRequest, rounded up once to {@link Money#SCALE}. */
    public Money cost(TokenUsage usage) {
        BigDecimal perMillionTotal = BigDecimal.ZERO;
        for (TokenClass c : TokenClass.values()) {
            perMillionTotal = perMillionTotal.add(BigDecimal.valueOf(usage.get(c)).multiply(perMillion.get(c)));
        }
        return money(perMillionTotal.movePointLeft(PER_MILLION).add(perRequest));
    }

    /**
     * An upper bound on the cost of a call that reads at most {@code inputTokens} and generates at most
     * {@code outputTokens}, however the provider splits them into classes: each side at its dearest class.
     */
    public Money bound(long inputTokens, long outputTokens) {
        if (outputTokens < 0) {
            throw new IllegalArgumentException("output tokens must not be negative, got " + outputTokens);
        }
        return money(fixedPart(inputTokens).add(BigDecimal.valueOf(outputTokens).multiply(dearest(true)).movePointLeft(PER_MILLION)));
    }

    /**
     * The largest n >= 0 with {@code bound(inputTokens, n) <= amount}; -1 when even {@code bound(inputTokens, 0) > amount};
     * {@link Long#MAX_VALUE} when output is free. Solved directly: as {@code bound} rounds up to the grid of
     * {@link Money#SCALE}, {@code bound <= amount} exactly when the unrounded cost is at most {@code amount} rounded
     * down to that grid.
     */
    public long affordableOutputTokens(BigDecimal amount, long inputTokens) {
        BigDecimal left = amount.setScale(Money.SCALE, RoundingMode.FLOOR).subtract(fixedPart(inputTokens));
        if (left.signum() < 0) {
            return -1;
        }
        BigDecimal output = dearest(true);
        if (output.signum() == 0) {
            return Long.MAX_VALUE;
        }
        BigDecimal tokens = left.movePointRight(PER_MILLION).divide(output, 0, RoundingMode.FLOOR);
        return tokens.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : tokens.longValueExact();
    }

    /** The input side of {@link #bound}, unrounded: every input token at the dearest input class, plus the call fee. */
    private BigDecimal fixedPart(long inputTokens) {
        if (inputTokens < 0) {
            throw new IllegalArgumentException("input tokens must not be negative, got " + inputTokens);
        }
        return BigDecimal.valueOf(inputTokens).multiply(dearest(false)).movePointLeft(PER_MILLION).add(perRequest);
    }

    private BigDecimal dearest(boolean generated) {
        BigDecimal max = BigDecimal.ZERO;
        for (TokenClass c : TokenClass.values()) {
            if (c.generated() == generated) {
                max = max.max(perMillion.get(c));
            }
        }
        return max;
    }

    private Money money(BigDecimal amount) {
        return new Money(amount.setScale(Money.SCALE, RoundingMode.CEILING), currency);
    }
}
