package io.caracal.core.money;

import io.caracal.core.error.InvalidInputException;

import java.math.BigDecimal;

/**
 * Amounts as whole nano-units (10^-9) for Redis, whose counters are exact 64-bit integers. A single amount is
 * bounded well below the 64-bit range so that sums of limits, holds and charges cannot overflow.
 */
public final class Nanos {
    /** One billion currency units per budget or per charge: 10^18 nano-units, under 2^63 with room for sums. */
    public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");

    private Nanos() {
    }

    public static String of(Money money) {
        return of(money.amount());
    }

    public static String of(BigDecimal amount) {
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            throw new InvalidInputException("amount " + amount.stripTrailingZeros().toPlainString()
                    + " is above the budget engine's bound of " + MAX_AMOUNT.toPlainString());
        }
        return amount.movePointRight(Money.SCALE).toBigIntegerExact().toString();
    }

    public static BigDecimal toAmount(String nanos) {
        return new BigDecimal(nanos).movePointLeft(Money.SCALE);
    }
}
