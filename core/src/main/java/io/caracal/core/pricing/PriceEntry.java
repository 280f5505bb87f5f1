package io.caracal.core.pricing;

import io.caracal.core.money.Money;

import java.time.Instant;

/**
 * The unit price of a resource from {@code effectiveFrom} on. Prices are never overwritten: a new price is a
 * new entry, so the price that applied to any past charge can always be looked up.
 */
public record PriceEntry(String resourceKey, Money unitPrice, Instant effectiveFrom, Instant recordedAt) {
}
