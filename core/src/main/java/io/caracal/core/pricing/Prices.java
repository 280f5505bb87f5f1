package io.caracal.core.pricing;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/** Prices and currency rates in force at an instant: the pricebook, or the gateway's cache of it. */
public interface Prices {
    /**
     * The entry of one resource in force at {@code at}: its latest entry effective at or before {@code at}, if the
     * pricebook has one. Its {@code effectiveFrom} is the version of the price, which a charge records.
     */
    Optional<PriceEntry> entryAt(String resourceKey, Instant at);

    /** The unit price of one resource in force at {@code at}, if the pricebook has one. */
    default Optional<Money> priceOf(String resourceKey, Instant at) {
        return entryAt(resourceKey, at).map(PriceEntry::unitPrice);
    }

    /**
     * The value of one unit of {@code from} in {@code to} at {@code at}: the pricebook entry
     * {@code fx:FROM:TO}, priced in {@code to}.
     */
    default Optional<BigDecimal> rate(CurrencyCode from, CurrencyCode to, Instant at) {
        return priceOf("fx:" + from.code() + ":" + to.code(), at).filter(price -> price.currency().equals(to)).map(Money::amount);
    }
}
