package io.caracal.gateway.proxy;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.Prices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Clock;

/** What a proxied call is held for before it is forwarded, and what it is charged once the upstream answered. */
final class CallPricing {
    private static final Logger LOG = LoggerFactory.getLogger(CallPricing.class);

    private final Prices prices;
    private final Clock clock;

    CallPricing(Prices prices, Clock clock) {
        this.prices = prices;
        this.clock = clock;
    }

    /**
     * What to hold for a call, always positive. A named upstream with a priced {@code resource} is held at least
     * that price (an agent's higher estimate wins); otherwise the agent must estimate, either directly
     * ({@code X-Caracal-Estimated-Cost}) or by naming a priced resource ({@code X-Caracal-Resource} times
     * {@code X-Caracal-Quantity}). Without a reported cost, the call is charged this amount.
     */
    Money estimate(ProxyExchange.Request request, String upstreamResource) {
        String header = request.header("X-Caracal-Estimated-Cost");
        String currencyHeader = request.header("X-Caracal-Currency");
        Money floor = upstreamResource == null ? null : priced(upstreamResource, null);
        Money declared = null;
        if (header != null) {
            CurrencyCode currency = currencyHeader != null ? CurrencyCode.parse(currencyHeader)
                    : floor != null ? floor.currency() : CurrencyCode.parse("USD");
            declared = Money.parse("X-Caracal-Estimated-Cost", header, currency);
        } else if (floor == null && request.header("X-Caracal-Resource") != null) {
            declared = priced(request.header("X-Caracal-Resource"), request.header("X-Caracal-Quantity"));
        }
        if (floor != null) {
            if (declared != null && !declared.currency().equals(floor.currency())) {
                throw new InvalidInputException("this upstream is priced in " + floor.currency() + ", not " + declared.currency());
            }
            return declared != null && declared.isGreaterThan(floor) ? declared : floor;
        }
        if (declared == null) {
            throw new InvalidInputException("cannot price this call: send X-Caracal-Estimated-Cost or X-Caracal-Resource");
        }
        if (declared.isZero()) {
            throw new InvalidInputException("the estimate must be greater than zero");
        }
        return declared;
    }

    /**
     * An estimate from the pricebook: the resource's unit price in force now times {@code X-Caracal-Quantity}
     * (default 1), rounded up. A resource without a price is refused, never priced at zero.
     */
    private Money priced(String resource, String quantityHeader) {
        Money price = prices.priceOf(PriceDraft.resourceKey(resource), clock.instant())
                .orElseThrow(() -> new InvalidInputException("the pricebook has no price for resource '" + resource + "'"));
        BigDecimal quantity = quantityHeader == null ? BigDecimal.ONE
                : Money.parse("X-Caracal-Quantity", quantityHeader, price.currency()).amount();
        return new Money(price.amount().multiply(quantity).setScale(Money.SCALE, java.math.RoundingMode.CEILING), price.currency());
    }

    /** The upstream's X-Caracal-Actual-Cost (in the held amount's currency), else the held amount, which an unreadable header also gets. */
    static Money actualCost(String header, Money held, String requestId) {
        if (header == null) {
            return held;
        }
        try {
            return Money.parse("X-Caracal-Actual-Cost", header, held.currency());
        } catch (InvalidInputException e) {
            LOG.warn("request {}: unreadable X-Caracal-Actual-Cost from upstream, charging the held amount: {}", requestId, e.getMessage());
            return held;
        }
    }
}
