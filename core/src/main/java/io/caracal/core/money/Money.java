package io.caracal.core.money;

import io.caracal.core.error.InvalidInputException;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact, non-negative amount in one currency. Amounts are kept at a fixed scale of {@value #SCALE}
 * fractional digits, the scale of every money column, so a value read back from the database equals the
 * value written. Input with more precision is rejected rather than rounded: rounding money silently is a bug.
 */
public record Money(BigDecimal amount, CurrencyCode currency) {
    public static final int SCALE = 9;
    /** NUMERIC(38,9) leaves 29 integer digits. */
    private static final int MAX_INTEGER_DIGITS = 29;

    public Money {
        if (amount == null || currency == null) {
            throw new InvalidInputException("amount and currency are required");
        }
        amount = normalise("amount", amount);
    }

    /** Parses an amount typed by a person: plain decimals only ("100", "0.30"; "1e3" and "NaN" are refused). */
    public static Money parse(String what, String amountText, CurrencyCode currency) {
        if (amountText == null || amountText.isBlank()) {
            throw new InvalidInputException(what + " is required");
        }
        String text = amountText.trim();
        if (!text.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            throw new InvalidInputException(what + " must be a decimal number, got '" + amountText + "'");
        }
        return new Money(normalise(what, new BigDecimal(text)), currency);
    }

    private static BigDecimal normalise(String what, BigDecimal amount) {
        if (amount.signum() < 0) {
            throw new InvalidInputException(what + " must not be negative, got " + amount.toPlainString());
        }
        if (amount.stripTrailingZeros().scale() > SCALE) {
            throw new InvalidInputException(what + " " + amount.toPlainString() + " has more than " + SCALE + " decimal places");
        }
        BigDecimal scaled = amount.setScale(SCALE, RoundingMode.UNNECESSARY);
        if (scaled.precision() - scaled.scale() > MAX_INTEGER_DIGITS) {
            throw new InvalidInputException(what + " " + amount.toPlainString() + " is too large (at most "
                    + MAX_INTEGER_DIGITS + " integer digits)");
        }
        return scaled;
    }

    public boolean isZero() {
        return amount.signum() == 0;
    }

    public boolean isGreaterThan(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot compare " + currency + " with " + other.currency);
        }
        return amount.compareTo(other.amount) > 0;
    }

    /** The amount without padding zeros but with at least cents: 100 → "100.00", 0.000001 → "0.000001". */
    public String amountText() {
        return plain(amount);
    }

    /** The same text for any decimal, such as a figure that may be negative ("available" after an overrun). */
    public static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.setScale(Math.max(2, stripped.scale())).toPlainString();
    }

    /** As the runbook prints it: "$100.00 USD", or "100.00 CHF" where there is no distinct symbol. */
    public String display() {
        String symbol = currency.symbol();
        return (symbol == null ? "" : symbol) + amountText() + " " + currency.code();
    }

    @Override
    public String toString() {
        return amountText() + " " + currency.code();
    }
}
